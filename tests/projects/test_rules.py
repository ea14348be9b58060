import re
from decimal import Decimal

import pytest

from core import policy
from core.models import Jurisdiction
from core.permissions import WorkflowError
from projects import rules, services
from projects.models import Project
from projects.rules import BLOCKING, PASS, WARNING, Facts, evaluate
from tests.factories import Actors, complete_fields, draft_project, upload

pytestmark = pytest.mark.django_db


def _facts(jurisdiction, kinds=("data_catalogue",), rows=1, platforms=1, **overrides):
    fields = complete_fields(jurisdiction, **overrides)
    project = Project(**{k: v for k, v in fields.items() if k != "plan_item"})
    project.plan_item = fields["plan_item"]
    project.total_investment = project.compute_total()
    return Facts(
        project=project,
        attachment_kinds=set(kinds),
        data_resource_count=rows,
        platform_count=platforms,
    )


def _result(facts, rule_id):
    return next(r for r in evaluate(facts) if r.rule.id == rule_id)


@pytest.fixture
def jurisdiction():
    return Actors().jurisdiction


def test_registry_declares_r0_to_r6_once_each():
    assert [r.id for r in rules.RULES][:7] == ["R0", "R1", "R2", "R3", "R4", "R5", "R6"]
    assert {r.kind for r in rules.RULES if r.id in ("R1", "R6")} == {WARNING}


@pytest.mark.parametrize(
    ("security", "expected"),
    [("100000", PASS), ("99999.99", WARNING), ("100000.01", PASS), ("0", WARNING)],
)
def test_r1_security_share_boundary_exactly_ten_percent_passes(jurisdiction, security, expected):
    # total = 900,000 + security; make the total exactly 1,000,000 at the boundary
    facts = _facts(
        jurisdiction,
        invest_security=Decimal(security),
        invest_hardware=Decimal("1000000") - Decimal("400000") - Decimal(security),
    )
    assert facts.project.total_investment == Decimal("1000000")
    assert _result(facts, "R1").status == expected


def test_r1_warning_is_cleared_by_a_written_justification(jurisdiction):
    facts = _facts(jurisdiction, invest_security=Decimal("0"), invest_hardware=Decimal("600000"))
    facts.justifications = {"R1": "安全能力由市网络安全管理中心统一提供"}
    result = _result(facts, "R1")
    assert result.status == WARNING and result.justified and not result.blocks_submit


@pytest.mark.parametrize(
    ("level", "kinds", "expected"),
    [
        (2, {"data_catalogue"}, PASS),
        (3, {"data_catalogue"}, BLOCKING),
        (3, {"data_catalogue", "crypto_plan"}, PASS),
        (4, {"data_catalogue"}, BLOCKING),
    ],
)
def test_r2_level_three_needs_crypto_plan(jurisdiction, level, kinds, expected):
    assert (
        _result(_facts(jurisdiction, kinds=kinds, protection_level=level), "R2").status == expected
    )


@pytest.mark.parametrize(
    ("overrides", "kinds", "expected"),
    [
        ({"deployment": "gov_cloud"}, set(), PASS),
        ({"deployment": "own_room"}, set(), BLOCKING),
        ({"deployment": "own_room", "own_room_reason": "公安专网业务"}, set(), BLOCKING),
        (
            {"deployment": "own_room", "own_room_reason": "公安专网业务"},
            {"own_room_approval"},
            BLOCKING,  # the sharing interface it opens is not stated (002:385)
        ),
        (
            {
                "deployment": "own_room",
                "own_room_reason": "公安专网业务",
                "own_room_interface": "人口信息核验接口，经市共享平台按需调用",
            },
            {"own_room_approval"},
            PASS,
        ),
        ({"deployment": "own_room", "classified": True}, set(), PASS),
    ],
)
def test_r3_government_cloud_unless_approved_exception(jurisdiction, overrides, kinds, expected):
    facts = _facts(jurisdiction, kinds={"data_catalogue", *kinds}, **overrides)
    assert _result(facts, "R3").status == expected


@pytest.mark.parametrize(
    ("rows", "kinds", "expected"),
    [
        (0, {"data_catalogue"}, BLOCKING),
        (1, set(), BLOCKING),
        (1, {"data_catalogue"}, PASS),
    ],
)
def test_r4_catalogue_rows_and_attachment(jurisdiction, rows, kinds, expected):
    assert _result(_facts(jurisdiction, kinds=kinds, rows=rows), "R4").status == expected


def test_r5_annual_needs_plan_item_adhoc_needs_justification(jurisdiction):
    assert _result(_facts(jurisdiction, plan_item=None), "R5").status == BLOCKING
    adhoc = _facts(jurisdiction, channel="adhoc", plan_item=None)
    assert _result(adhoc, "R5").status == BLOCKING
    adhoc.project.adhoc_justification = "省级部署，须年内上线"
    assert _result(adhoc, "R5").status == PASS


def test_r6_platform_reuse_declared_or_justified(jurisdiction):
    assert _result(_facts(jurisdiction, platforms=1), "R6").status == PASS
    facts = _facts(jurisdiction, platforms=0)
    assert _result(facts, "R6").blocks_submit
    facts.justifications = {"R6": "内部系统不面向公众"}
    assert not _result(facts, "R6").blocks_submit


def test_r0_lists_every_missing_field(jurisdiction):
    facts = Facts(project=Project(name="草稿", total_investment=Decimal(0)))
    message = _result(facts, "R0").message
    for label in (
        "项目类别",
        "申报渠道",
        "建设起始年度",
        "建设内容",
        "等保级别",
        "部署方式",
        "投资估算",
    ):
        assert label in message


def test_unjustified_warning_blocks_submit_until_justified():
    actors = Actors()
    project = draft_project(actors)
    project.common_platforms.clear()
    services.project_confirm(project=project, by=actors.head)
    with pytest.raises(WorkflowError, match="R6 复用共性支撑平台.*须书面说明理由"):
        services.project_submit(project=project, by=actors.officer)
    services.justification_set(project=project, rule_id="R6", text="内部系统", by=actors.officer)
    assert services.project_submit(project=project, by=actors.officer).status == "submitted"


def test_justification_only_for_warning_rules():
    actors = Actors()
    project = draft_project(actors)
    with pytest.raises(WorkflowError, match="不需要书面说明"):
        services.justification_set(project=project, rule_id="R4", text="x", by=actors.officer)


def test_submit_with_level_three_needs_crypto_plan_end_to_end():
    actors = Actors()
    project = services.project_save_draft(
        by=actors.officer,
        fields=complete_fields(actors.jurisdiction, protection_level=3),
        platforms=[],
        data_resources=[{"name": "a", "sharing_mode": "none", "consumers": ""}],
    )
    services.attachment_add(
        project=project, kind="data_catalogue", upload=upload(), by=actors.officer
    )
    services.justification_set(project=project, rule_id="R6", text="不涉及", by=actors.officer)
    with pytest.raises(WorkflowError, match="R2 等保第三级及以上须有密码应用方案"):
        services.project_submit(project=project, by=actors.head)


def test_unchecked_rules_are_pending_not_passed():
    facts = Facts(project=Project(name="草稿", total_investment=Decimal(0)))
    statuses = {r.rule.id: r.status for r in evaluate(facts)}
    assert statuses["R2"] == statuses["R3"] == statuses["R5"] == rules.PENDING
    assert not any(r.blocks_submit for r in evaluate(facts) if r.status == rules.PENDING)


def test_basis_cites_title_document_number_and_clause_never_a_line(jurisdiction):
    hz = Jurisdiction.objects.get_or_create(
        code="hz", defaults={"name": "海州区", "level": "district"}
    )[0]
    facts = _facts(jurisdiction)
    facts.project.jurisdiction = hz
    basis = {r.rule.id: r.basis for r in evaluate(facts)}
    assert basis["R5"] == (
        "海州区《加快统筹推进数字政府高质量建设实施方案》（海政发〔2022〕114号）第22项“统筹建设管理”"
    )
    # 海州区's plan has no security-share clause: it borrows 湘潭's and says so.
    assert basis["R1"] == "参照《湘潭市“十四五”数字政府建设实施方案》“工作目标”之“网络安全切实保障”"
    for text in basis.values():
        assert not re.search(r"\d{3}:\d+|第\d+行", text), text


def test_each_jurisdiction_cites_its_own_plan_where_it_has_the_clause():
    xt = policy.basis_text("R5", "xt")
    assert xt == "《湘潭市“十四五”数字政府建设实施方案》“统筹项目资金管理”"
    assert policy.basis_text("R4", "xt").startswith("参照海州区《加快统筹推进")
    assert policy.basis_text("R4", "hz").startswith("海州区《加快统筹推进")
    # A jurisdiction with no plan of its own borrows from the plans of no jurisdiction first.
    assert policy.basis_text("R3", None).startswith("参照《湛江市“数字政府”建设总体规划")


def test_every_rule_basis_resolves_to_clauses():
    for rule_id, refs in policy.RULE_BASIS.items():
        for ref in refs:
            assert ref in policy.CLAUSES, (rule_id, ref)
    assert {r.id for r in rules.RULES if r.id != "R0"} <= set(policy.RULE_BASIS)


def test_a_basis_outside_the_policy_table_is_refused():
    with pytest.raises(ValueError, match="RULE_BASIS"):
        rules.rule("R9", "自定依据", kind=BLOCKING, label="自定")(lambda facts: None)


def test_r4_unshared_data_needs_a_reason(jurisdiction):
    facts = _facts(jurisdiction)
    facts.unreasoned_unshared = rules.unreasoned_unshared(
        [
            {"name": "人口基础数据", "sharing_mode": "none", "no_share_reason": " "},
            {"name": "法人数据", "sharing_mode": "none", "no_share_reason": "涉及商业秘密"},
            {"name": "地名数据", "sharing_mode": "unconditional", "no_share_reason": ""},
        ]
    )
    result = _result(facts, "R4")
    assert result.status == BLOCKING and result.message.endswith("人口基础数据")
    facts.unreasoned_unshared = []
    assert _result(facts, "R4").status == PASS


def test_data_resource_form_refuses_unshared_without_reason():
    from projects.forms import NO_SHARE_REASON_REQUIRED, DataResourceForm

    form = DataResourceForm(data={"name": "人口基础数据", "sharing_mode": "none"})
    assert not form.is_valid()
    assert form.errors["no_share_reason"] == [NO_SHARE_REASON_REQUIRED]
    shared = DataResourceForm(
        data={"name": "人口基础数据", "sharing_mode": "conditional", "no_share_reason": "x"}
    )
    assert shared.is_valid() and shared.cleaned_data["no_share_reason"] == ""


@pytest.mark.parametrize(
    ("classified", "network", "expected"),
    [
        (False, "extranet", PASS),
        (False, "internet", PASS),
        (False, "intranet", BLOCKING),
        (True, "intranet", PASS),
        (True, "extranet", BLOCKING),
        (False, "", rules.PENDING),
    ],
)
def test_r11_classified_systems_on_the_intranet_others_on_the_extranet(
    jurisdiction, classified, network, expected
):
    facts = _facts(jurisdiction, classified=classified, network=network)
    assert _result(facts, "R11").status == expected


def _district():
    return Jurisdiction.objects.get_or_create(
        code="hz", defaults={"name": "海州区", "level": "district"}
    )[0]


@pytest.mark.parametrize(
    ("flag", "district_only"),
    [
        ("builds_data_centre", True),
        ("builds_cloud", True),
        ("expands_cloud", False),
        ("builds_internet_exit", False),
    ],
)
def test_r12_restricted_construction_blocks_without_an_approved_exception(
    jurisdiction, flag, district_only
):
    city = _facts(jurisdiction, **{flag: True})
    assert _result(city, "R12").status == (PASS if district_only else BLOCKING)
    district = _facts(jurisdiction, **{flag: True})
    district.project.jurisdiction = _district()
    result = _result(district, "R12")
    assert result.status == BLOCKING and "例外理由" in result.hint
    assert "（参照《湛江市“数字政府”建设总体规划" in result.message
    district.project.restricted_reason = "省级统一部署的专网节点，经市数字政府领导小组同意"
    assert _result(district, "R12").status == BLOCKING  # the approval file is still missing
    district.attachment_kinds.add("restricted_approval")
    assert _result(district, "R12").status == PASS
