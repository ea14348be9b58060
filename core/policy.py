"""The policy basis (依据) of every rule, cited as civil servants cite it.

A citation names the document, its 文号 where it has one, and the clause, never a file line.
Each rule lists the clauses it rests on (``RULE_BASIS``, keyed by rule id; a key is a seed
plan and line, ``"004:97"``, used only to find the clause here). A jurisdiction cites its own
plan where that plan has one of the clauses; otherwise it borrows the others' and marks them
参照. The seed plans are in ``../shared/seeds`` (000 湘潭市, 004 海州区 are jurisdictions of
the product; 001 衢州, 002 湛江, 003 广安 are only borrowed from).
"""

import functools
from dataclasses import dataclass


@dataclass(frozen=True)
class Plan:
    jurisdiction: str | None  # the code of the jurisdiction whose own plan it is
    issuer: str  # named before the title when the title does not name the place
    title: str
    doc_no: str = ""  # 文号, only where the document carries one


PLANS = {
    "000": Plan("xt", "", "湘潭市“十四五”数字政府建设实施方案"),
    "001": Plan(None, "", "衢州市人民政府关于深化数字政府建设的实施意见", "衢政发〔2022〕16号"),
    "002": Plan(None, "", "湛江市“数字政府”建设总体规划（2020—2022年）"),
    "003": Plan(None, "", "广安市“十四五”数字政府建设规划"),
    "004": Plan("hz", "海州区", "加快统筹推进数字政府高质量建设实施方案", "海政发〔2022〕114号"),
}

# Clause designations as printed in the plans (section numbers where the text has them;
# 000 lost its section headings, so its items are cited by their own titles).
CLAUSES = {
    "000:29": "“工作目标”之“基础设施夯实有力”",
    "000:37": "“工作目标”之“网络安全切实保障”",
    "000:53": "“优化全市政务‘一朵云’”",
    "000:55": "“建设重点共性应用支撑‘大平台’”",
    "000:95": "“统筹项目资金管理”",
    "000:97": "“实施项目全生命周期管理”",
    "000:105": "“强化监督考核”",
    "001:133": "第41项“强化数字资源配置”",
    "001:141": "第五部分第（二）项“落实安全制度规范”",
    "002:319": "第二部分第（四）项第2目“与县（市、区）数字政府建设的关系”",
    "002:327": "第二部分第（四）项第3目“与各部门应用的关系”",
    "002:345": "第三部分第（一）项第2目“建设全市统一互联网出口”",
    "002:357": "第三部分第（一）项第5目“推进部门业务专网整合”",
    "002:367": "第三部分第（二）项第1目“建设广东省政务云平台湛江节点”",
    "002:385": "第三部分第（二）项第5目“推进业务系统迁移上云”",
    "003:66": "“优化电子政务‘两张网’”",
    "003:239": "“强化数据安全隐私保护”",
    "004:53": "第4项“加快建设苏服办总门户”",
    "004:57": "第6项“依托市政务云平台加强云资源使用管理”",
    "004:59": "第7项“打造快捷通达电子政务外网”",
    "004:79": "第15项“大力消除信息孤岛数据壁垒”",
    "004:87": "第18项“严格执行安全管理制度”",
    "004:97": "第22项“统筹建设管理”",
    "004:99": "第23项“明确各方责任”",
}

# What each rule rests on (SPEC §5; R11 and R12 from issue 9). R0 is the form's completeness.
RULE_BASIS = {
    "R1": ("000:37",),
    "R2": ("004:87", "004:99", "003:239"),
    "R3": ("000:53", "004:57", "002:319", "002:327", "002:385"),
    "R4": ("004:79",),
    "R5": ("000:95", "004:97"),
    "R6": ("000:55", "004:53", "001:133"),
    "R7": ("000:105", "004:97"),
    "R8": ("000:97", "004:79", "004:99", "001:141"),
    "R9": ("004:97",),
    "R10": ("000:95", "004:99"),
    "R11": ("000:29", "004:59", "002:357", "003:66"),
    "R12": ("002:319", "002:345", "002:367"),
    # Conditions of the services that rest on a plan but are not numbered rules.
    "联审": ("000:97", "004:99"),  # the committee's decision (SPEC §4)
    "年度集中申报": ("000:95", "004:97"),  # the application window
    "专项资金": ("000:95",),  # budget lines within the fund (SPEC §6)
}


@dataclass(frozen=True)
class Citation:
    plan: Plan
    clause: str
    borrowed: bool

    def __str__(self):
        doc_no = f"（{self.plan.doc_no}）" if self.plan.doc_no else ""
        prefix = "参照" if self.borrowed else ""
        return f"{prefix}{self.plan.issuer}《{self.plan.title}》{doc_no}{self.clause}"


def citations(refs, jurisdiction_code: str | None) -> list[Citation]:
    """The clauses of ``refs`` a jurisdiction cites: its own plan's, else the rest as 参照."""
    refs = [ref.strip() for ref in refs]
    own = [
        ref
        for ref in refs
        if jurisdiction_code and PLANS[ref.split(":")[0]].jurisdiction == jurisdiction_code
    ]
    chosen = own or [ref for ref in refs if PLANS[ref.split(":")[0]].jurisdiction is None] or refs
    return [Citation(PLANS[ref.split(":")[0]], CLAUSES[ref], not own) for ref in chosen]


def clause_text(ref: str, jurisdiction) -> str:
    """One clause as ``jurisdiction`` (or None) cites it, 参照 when not its own plan's."""
    plan = PLANS[ref.split(":")[0]]
    own = jurisdiction is not None and plan.jurisdiction == jurisdiction.code
    return str(Citation(plan, CLAUSES[ref], not own))


def basis_text(rule_id: str, jurisdiction_code: str | None) -> str:
    return "；".join(str(c) for c in citations(RULE_BASIS[rule_id], jurisdiction_code))


def with_basis(message: str, rule_id: str, jurisdiction) -> str:
    """A service's refusal followed by its basis: "R10 …（依据：《…》…）"."""
    code = jurisdiction.code if jurisdiction else None
    return f"{message}（依据：{basis_text(rule_id, code)}）"


def cites(rule_id: str):
    """Decorate a guard check ``(project, by, context)`` so its refusals name their basis."""

    def wrap(check):
        @functools.wraps(check)
        def checked(project, by, context):
            refusal = check(project, by, context)
            jurisdiction = getattr(project, "jurisdiction", None)
            return refusal and with_basis(refusal, rule_id, jurisdiction)

        return checked

    return wrap
