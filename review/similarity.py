"""R7 duplicate-investment check: the existing projects and systems most like a proposal
(SPEC §4, §5; 000:105, 002:311, 002:323).

Chinese has no word boundaries, so a text becomes a set of *terms*: its character bigrams minus
generic ones (平台, 系统, 建设 …) plus a *concept* term for each domain synonym group it touches
(视频/监控/图像/雪亮 all mean video surveillance). Each term is weighted by its rarity among the
candidate projects (inverse document frequency), so shared boilerplate counts for little and a
shared 视频 for a lot.

Terms are kept in ``SimilarityTerm`` (an inverted index, one row per project and term, written
when the proposal is saved or submitted), so a check reads only the rows of the query's terms in
the jurisdictions the rule concerns: its own, its parent and its children. The result is stored
in ``SimilarityResult`` with the time computed; pages read it and never score.

Entry points: ``check_project(project)`` (the R7 rule and the benchmark call it; scores live,
stores nothing) and ``refresh_project(project)`` (the save and submit hook: reindex, score,
store). Both are stable.
"""

import hashlib
import math
import re
from dataclasses import asdict, dataclass

NAME_WEIGHT, CONTENT_WEIGHT, DEPARTMENT_WEIGHT = 0.6, 0.3, 0.1
HIT_SCORE = 45  # a hit at or above this is an R7 warning
SHOW_SCORE = 30  # below this a candidate is not listed at all
SHORTLIST = 40
SHORTLIST_TERMS = 30  # the rarest query terms the shortlist reads
COMMON_SHARE = 0.2  # a term more than this share of projects carry is not read for the shortlist
COMMON_MIN = 50  # ... unless so few projects carry it that reading them costs nothing
CONTENT_CHARS = 600  # content terms come from the first characters of the summary
CONTENT_TERMS_MAX = 120
_PUNCT = re.compile(r"[\s\W_\d]+", re.UNICODE)

# Generic words of the domain that say nothing about what a system does.
STOP_TERMS = frozenset(
    "平台 系统 建设 项目 工程 管理 信息 服务 智慧 数字 一体 体化 市级 区级 全市 全区 升级 改造"
    " 扩容 一期 二期 三期 应用 综合 中心 政务 湘潭 海州 年度 开发 实施 完成 实现 按照 围绕"
    " 统筹 利用 部署 总体 业务 需求 分析 保障 协同 部门 推进 提升 能力 运行 相关 以及 进行"
    " 工作 加强 构建 打造 形成 全面 有效 支撑 对接 整合 优化 规范 标准 体系 机制".split()
)

# Domain synonym groups: a text touching any member also carries the group's concept term.
CONCEPTS = {
    "视频监控": ("视频", "监控", "图像", "雪亮", "天网", "摄像", "视联"),
    "医疗保障": ("医保", "医疗保障"),
    "社会保障卡": ("社保卡", "一卡通", "一码通"),
    "电子证照": ("证照", "电子证"),
    "电子印章": ("印章", "签章"),
    "身份认证": ("身份认证", "统一认证", "单点登录"),
    "政务云": ("政务云", "云平台", "云资源", "云管"),
    "政务外网": ("外网", "专网"),
    "数据共享交换": ("共享交换", "数据交换", "数据共享"),
    "热线": ("12345", "热线"),
    "地理信息": ("地理信息", "时空信息", "地理空间", "电子地图"),
    "协同办公": ("协同办公", "办公平台", "OA"),
    "网络安全": ("网络安全", "安全管理中心", "攻防", "态势感知"),
    "城市大脑": ("城市大脑", "城区大脑", "运行管理中心", "驾驶舱", "一网观全城"),
    "不动产": ("不动产",),
    "停车": ("停车",),
    "信用": ("信用",),
}
CONCEPT_BOOST = 3.0  # a concept shared is worth three bigrams of the same rarity
IDF_FLOOR = 0.2
RARE_DF = 2  # terms rarer than this weigh as if two projects had them (cross-word bigrams)
NAME, CONTENT = "n", "c"


@dataclass(frozen=True)
class Similar:
    """One hit: a project (``kind`` "project") or a registered system (``kind`` "system")."""

    kind: str
    pk: int
    name: str
    owner: str  # the applicant department, or the system's owner organisation
    status: str  # the state label, or 在用/已停用 with the build type
    jurisdiction: str
    score: float

    @property
    def is_hit(self) -> bool:
        return self.score >= HIT_SCORE


def terms(text: str) -> set[str]:
    """Bigrams of ``text`` without generic ones, plus a ``#concept`` term per synonym group."""
    raw = text or ""
    clean = _PUNCT.sub("", raw)
    found = {clean[i : i + 2] for i in range(len(clean) - 1)} - STOP_TERMS
    found |= {"#" + c for c, words in CONCEPTS.items() if any(w in raw for w in words)}
    return found


def name_terms(project) -> set[str]:
    return terms(project.name)


def content_terms(project) -> set[str]:
    """Terms of the summary (bounded: the index stays small at province scale)."""
    found = terms((project.summary or "")[:CONTENT_CHARS])
    return set(sorted(found)[:CONTENT_TERMS_MAX]) if len(found) > CONTENT_TERMS_MAX else found


def fingerprint(project) -> str:
    """What the stored result depends on: a change to any of these makes it stale (the state
    does not: whether a project is a candidate for others is read when they are checked)."""
    key = f"{project.name}\x1f{project.summary}\x1f{project.department_id}"
    return hashlib.sha1(key.encode()).hexdigest()


def candidate_jurisdictions(jurisdiction_id) -> list[int]:
    """The project's jurisdiction, the one above it and those below it (one query)."""
    from django.db.models import Q

    from core.models import Jurisdiction

    parent = Jurisdiction.objects.filter(pk=jurisdiction_id).values("parent_id")
    related = Q(pk=jurisdiction_id) | Q(parent_id=jurisdiction_id) | Q(pk__in=parent)
    return list(Jurisdiction.objects.filter(related).values_list("pk", flat=True))


def idf(total: int, df: int) -> float:
    """Rarity: a floor for a term every project has, growing as fewer have it (the floor keeps
    plain overlap meaningful while a jurisdiction has few projects)."""
    return IDF_FLOOR + max(0.0, math.log((total + 1) / (df + 1)))


def _weights(queries: dict, scope: list[int]) -> dict:
    """Per field, the IDF of each query term among the projects of ``scope`` and the query's
    discriminating terms (one indexed query over the kept document frequencies)."""
    from django.db.models import Q, Sum

    from .models import SimilarityTermCount

    wanted = Q()
    for field, query in queries.items():
        wanted |= Q(field=field, term__in=[*query, "*"])
    rows = (
        SimilarityTermCount.objects.filter(wanted, jurisdiction_id__in=scope)
        .values_list("field", "term")
        .annotate(n=Sum("n"))
        .order_by()
    )
    df = {(f, t): n for f, t, n in rows}
    found = {}
    for field, query in queries.items():
        total = df.get((field, "*"), 0) + 1
        count = {t: df.get((field, t), 0) for t in query}
        weights = {
            t: idf(total, max(count[t], RARE_DF)) * (CONCEPT_BOOST if t[0] == "#" else 1)
            for t in query
        }
        discriminating = sorted(
            (t for t in query if count[t] <= max(COMMON_SHARE * total, COMMON_MIN)),
            key=lambda t: weights[t],
            reverse=True,
        )[:SHORTLIST_TERMS]
        found[field] = weights, discriminating
    return found


def _shortlist(field, weights: dict, scope, exclude_pk) -> dict[int, float]:
    """Projects sharing the most weight of the query's discriminating terms (GROUP BY in the
    database; terms most projects carry are left out, they cannot tell duplicates apart).
    Plain SQL, portable to SQLite: the ORM's CASE per term cost more to compile than to run."""
    from django.db import connection

    from .models import SimilarityTerm

    if not weights:
        return {}
    table = connection.ops.quote_name(SimilarityTerm._meta.db_table)
    values = ", ".join(["(%s, %s)"] * len(weights))
    places = ", ".join(["%s"] * len(scope))
    sql = (
        f"SELECT t.project_id, SUM(q.column2) AS shared FROM {table} t "
        f"JOIN (VALUES {values}) q ON t.term = q.column1 "
        f"WHERE t.field = %s AND t.jurisdiction_id IN ({places}) AND t.project_id <> %s "
        f"GROUP BY t.project_id ORDER BY shared DESC LIMIT {SHORTLIST}"
    )
    params = [x for item in weights.items() for x in item] + [field, *scope, exclude_pk or 0]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {pk: float(shared) for pk, shared in cursor.fetchall()}


def _ochiai(shared: float, query_weight: float, other_weight: float) -> float:
    if not shared or not query_weight or not other_weight:
        return 0.0
    return min(1.0, shared / math.sqrt(query_weight * other_weight))


def check_project(project, *, limit: int = 5) -> list[Similar]:
    """The projects (not drafts, not ``project``) and registered systems most like ``project``
    in its own, the parent and the child jurisdictions, best first. Reads the term index; the
    project may be unsaved (the live preflight)."""
    from projects.models import Project

    scope = candidate_jurisdictions(project.jurisdiction_id)
    if not scope:  # an unsaved form with no jurisdiction yet has no candidates
        return []
    q_name, q_content = name_terms(project), content_terms(project) | name_terms(project)
    weights = _weights({NAME: q_name, CONTENT: q_content}, scope)
    (w_name, d_name), (w_content, d_content) = weights[NAME], weights[CONTENT]
    by_name = _shortlist(NAME, {t: w_name[t] for t in d_name}, scope, project.pk)
    by_content = _shortlist(CONTENT, {t: w_content[t] for t in d_content}, scope, project.pk)
    pks = set(by_name) | set(by_content)
    details = (
        Project.objects.filter(pk__in=pks)
        .exclude(status="draft")
        .values_list(
            "pk",
            "name",
            "summary",
            "department__name",
            "department_id",
            "status",
            "jurisdiction__name",
        )
    )
    mean_name = sum(w_name.values()) / len(w_name) if w_name else 0
    mean_content = sum(w_content.values()) / len(w_content) if w_content else 0
    labels = dict(Project._meta.get_field("status").choices)
    found = []
    for pk, name, summary, department, department_id, status, jurisdiction in details:
        other = Project(name=name, summary=summary)
        size_n = len(name_terms(other)) or 1
        size_c = len(content_terms(other) | name_terms(other)) or 1
        s_name = _ochiai(by_name.get(pk, 0), sum(w_name.values()), mean_name * size_n)
        s_content = _ochiai(by_content.get(pk, 0), sum(w_content.values()), mean_content * size_c)
        same = DEPARTMENT_WEIGHT if department_id == project.department_id else 0
        score = round(100 * (NAME_WEIGHT * s_name + CONTENT_WEIGHT * s_content + same), 1)
        if score >= SHOW_SCORE:
            found.append(
                Similar("project", pk, name, department, labels[status], jurisdiction, score)
            )
    found += similar_systems(project, scope, q_name, w_name)
    found.sort(key=lambda s: s.score, reverse=True)
    return found[:limit]


def similar_systems(project, scope, q_name, w_name) -> list[Similar]:
    """Registered information systems (政务信息系统目录) of the same jurisdictions whose name
    shares the query's rare terms; a system owned by the applicant counts as same department."""
    from .models import InformationSystem

    if not q_name:
        return []
    default = max(w_name.values()) if w_name else 1.0
    total_query = sum(w_name.values())
    found = []
    systems = InformationSystem.objects.filter(jurisdiction_id__in=scope).select_related(
        "owner", "jurisdiction"
    )
    for system in systems:
        other = terms(system.name)
        shared = sum(w_name[t] for t in q_name & other)
        other_weight = sum(w_name.get(t, default) for t in other)
        s_name = _ochiai(shared, total_query, other_weight)
        same = DEPARTMENT_WEIGHT if system.owner_id == project.department_id else 0
        # a register entry has no content: its name stands for both
        score = round(100 * ((NAME_WEIGHT + CONTENT_WEIGHT) * s_name + same), 1)
        if score >= SHOW_SCORE:
            found.append(
                Similar(
                    "system",
                    system.pk,
                    system.name,
                    system.owner.name,
                    system.status_display,
                    system.jurisdiction.name,
                    score,
                )
            )
    return found


def term_rows(project) -> list:
    """The project's rows of the term index (unsaved model instances)."""
    from .models import SimilarityTerm

    rows = [(NAME, t) for t in name_terms(project) | {"*"}]
    rows += [(CONTENT, t) for t in content_terms(project) | name_terms(project) | {"*"}]
    return [
        SimilarityTerm(
            project_id=project.pk, jurisdiction_id=project.jurisdiction_id, field=f, term=t
        )
        for f, t in rows
    ]


def index_project(project) -> None:
    """Rewrite the project's rows of the term index and recount the terms that changed (a
    draft is indexed but never a candidate: ``check_project`` drops drafts)."""
    from .models import SimilarityTerm

    current = term_rows(project)
    old = set(SimilarityTerm.objects.filter(project_id=project.pk).values_list("field", "term"))
    new = {(r.field, r.term) for r in current}
    SimilarityTerm.objects.filter(project_id=project.pk).delete()
    SimilarityTerm.objects.bulk_create(current)
    recount(project.jurisdiction_id, old ^ new)


def recount(jurisdiction_id, keys) -> None:
    """Set the kept document frequency of ``keys`` ((field, term) pairs) from the index."""
    from django.db.models import Count, Q

    from .models import SimilarityTerm, SimilarityTermCount

    if not keys:
        return
    for field in (NAME, CONTENT):
        wanted = [t for f, t in keys if f == field]
        if not wanted:
            continue
        counts = dict(
            SimilarityTerm.objects.filter(
                Q(field=field, term__in=wanted), jurisdiction_id=jurisdiction_id
            )
            .values_list("term")
            .annotate(n=Count("id"))
            .order_by()
        )
        SimilarityTermCount.objects.bulk_create(
            [
                SimilarityTermCount(
                    jurisdiction_id=jurisdiction_id, field=field, term=t, n=counts.get(t, 0)
                )
                for t in wanted
            ],
            update_conflicts=True,
            unique_fields=["field", "term", "jurisdiction"],
            update_fields=["n"],
        )


def reindex_all(log=print, chunk: int = 2000) -> int:
    """Rebuild the whole term index and its document frequencies (for rows written without
    the services: bulk datasets, projects saved before the index existed)."""
    from django.db import transaction

    from projects.models import Project

    from .models import SimilarityTerm

    pks = list(Project.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(pks), chunk):
        part = pks[start : start + chunk]
        projects = Project.objects.filter(pk__in=part).only(
            "pk", "name", "summary", "jurisdiction_id"
        )
        with transaction.atomic():
            SimilarityTerm.objects.filter(project_id__in=part).delete()
            SimilarityTerm.objects.bulk_create(
                (row for p in projects for row in term_rows(p)), batch_size=5000
            )
        log(f"已索引 {start + len(part)}/{len(pks)} 个项目")
    recount_all()
    return len(pks)


def recount_all() -> None:
    """Rebuild every kept document frequency from the index (after a bulk reindex)."""
    from django.db.models import Count

    from .models import SimilarityTerm, SimilarityTermCount

    SimilarityTermCount.objects.all().delete()
    rows = (
        SimilarityTerm.objects.values_list("jurisdiction_id", "field", "term")
        .annotate(n=Count("id"))
        .order_by()
    )
    SimilarityTermCount.objects.bulk_create(
        (
            SimilarityTermCount(jurisdiction_id=j, field=f, term=t, n=n)
            for j, f, t, n in rows.iterator()
        ),
        batch_size=5000,
    )


def refresh_project(project, *, force: bool = False):
    """Reindex and rescore ``project`` when what its result depends on changed (or ``force``);
    the proposal-saved hook calls it from ``project_save_draft`` and ``project_submit``."""
    from django.utils import timezone

    from .models import SimilarityResult

    print_ = fingerprint(project)
    stored = SimilarityResult.objects.filter(project=project).first()
    if stored and stored.fingerprint == print_ and not force:
        return stored
    index_project(project)
    hits = check_project(project)
    stored, _ = SimilarityResult.objects.update_or_create(
        project=project,
        defaults={
            "fingerprint": print_,
            "computed_at": timezone.now(),
            "hits": [asdict(h) for h in hits],
        },
    )
    return stored


def stored_hits(project) -> tuple[list[Similar], object] | None:
    """The stored result when it is current for ``project`` as it stands, else None."""
    from .models import SimilarityResult

    if not project.pk:
        return None
    stored = SimilarityResult.objects.filter(project_id=project.pk).first()
    if stored is None or stored.fingerprint != fingerprint(project):
        return None
    return [Similar(**h) for h in stored.hits], stored.computed_at
