"""R8 at its boundaries: each checklist item missing, invalid or expired blocks the request and
is named; all present lets it through (SPEC §5 R8)."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from acceptance import services
from acceptance.checklist import add_months
from acceptance.models import AcceptanceRound, ChecklistDocument
from core.models import AuditEvent
from core.permissions import WorkflowError
from tests.factories import acceptance_ready, acceptance_requested, building_project, upload

pytestmark = pytest.mark.django_db
K = ChecklistDocument.Kind


def building(actors, level=2):
    project, _, _ = building_project(actors, protection_level=level)
    return project


def refused(actors, project, final_progress=100) -> str:
    with pytest.raises(WorkflowError) as error:
        acceptance_requested(actors, project, final_progress=final_progress)
    project.refresh_from_db()
    assert project.status == "in_construction"
    assert not AcceptanceRound.objects.filter(project=project).exists()
    return str(error.value)


def report(actors, project, kind, *, level=None, on=None, conclusion="pass"):
    return services.document_add(
        project=project,
        kind=kind,
        upload=upload(),
        level=level,
        issuer="湖南省网络安全测评中心",
        issued_on=on or timezone.localdate(),
        conclusion=conclusion,
        by=actors.officer,
    )


def test_everything_on_record_opens_round_one_with_its_checklist(actors):
    project = acceptance_ready(actors, building(actors, level=3))
    round_ = acceptance_requested(actors, project)
    project.refresh_from_db()
    assert project.status == "acceptance_requested" and round_.number == 1
    assert round_.review.occasion == "acceptance"
    assert sorted(round_.review.tasks.values_list("function", flat=True)) == [
        "fiscal",
        "investment",
        "technical",
    ]
    assert all(line["ok"] for line in round_.checklist)
    assert {line["code"] for line in round_.checklist} >= {"mlps", "crypto", "risk", "archive"}
    assert AuditEvent.objects.filter(project=project, action="acceptance_request").exists()


def test_an_empty_record_names_every_missing_item(actors):
    message = refused(actors, building(actors, level=3), final_progress=90)
    assert message.startswith("R8 验收清单不完整，不能申请验收：")
    for name in (
        "等保测评报告（第3级）（未上传）",
        "密评报告（未上传）",
        "上线前风险评估报告（未上传）",
        "数据共享登记并落实（尚未落实：人口基础数据）",
        "最终形象进度100%（最终形象进度为90%）",
        "项目资料归档（缺少：立项批复及评审材料",
    ):
        assert name in message


def test_level_2_needs_mlps_but_no_crypto_report(actors):
    project = acceptance_ready(actors, building(actors, level=2))
    assert acceptance_requested(actors, project).number == 1
    assert not project.acceptance_documents.filter(kind=K.CRYPTO).exists()


def test_level_2_without_its_mlps_report_is_refused(actors):
    project = building(actors, level=2)
    acceptance_ready(actors, project)
    project.acceptance_documents.filter(kind=K.MLPS).delete()
    assert "等保测评报告（第2级）（未上传）" in refused(actors, project)


def test_level_1_needs_neither_report(actors):
    project = acceptance_ready(actors, building(actors, level=1))
    assert acceptance_requested(actors, project).number == 1


def test_level_3_without_crypto_report_is_refused(actors):
    project = building(actors, level=3)
    acceptance_ready(actors, project)
    project.acceptance_documents.filter(kind=K.CRYPTO).delete()
    message = refused(actors, project)
    assert "密评报告（未上传）" in message and "等保测评报告" not in message


def test_an_mlps_report_below_the_system_level_does_not_count(actors):
    project = building(actors, level=3)
    acceptance_ready(actors, project)
    project.acceptance_documents.filter(kind=K.MLPS).delete()
    report(actors, project, K.MLPS, level=2)
    assert "测评等级第2级低于系统等保第3级" in refused(actors, project)


def test_a_failed_report_does_not_count(actors):
    project = building(actors, level=2)
    acceptance_ready(actors, project)
    project.acceptance_documents.filter(kind=K.RISK).delete()
    report(actors, project, K.RISK, conclusion="fail")
    assert "上线前风险评估报告（结论为“不符合”" in refused(actors, project)


@pytest.mark.parametrize(
    ("level", "months", "extra_days", "valid"),
    [
        (3, 12, 0, True),  # level 3: valid for a year, to the day
        (3, 12, 1, False),
        (2, 24, 0, True),  # level 2: two years
        (2, 24, 1, False),
    ],
)
def test_mlps_report_expiry_boundary(actors, level, months, extra_days, valid):
    project = building(actors, level=level)
    issued = timezone.localdate()
    acceptance_ready(actors, project, reports_on=issued)
    later = add_months(issued, months) + dt.timedelta(days=extra_days)
    # The other reports are renewed on the day, so only the 等保 report's age decides.
    with time_machine.travel(dt.datetime.combine(later, dt.time(10), tzinfo=dt.UTC), tick=False):
        report(actors, project, K.RISK)
        report(actors, project, K.CRYPTO)
        if valid:
            assert acceptance_requested(actors, project).number == 1
        else:
            message = refused(actors, project)
            assert f"等保测评报告（第{level}级）（已过期（有效期至" in message


def test_the_newest_report_counts(actors):
    project = building(actors, level=3)
    acceptance_ready(actors, project)
    later = add_months(timezone.localdate(), 13)
    with time_machine.travel(dt.datetime.combine(later, dt.time(10), tzinfo=dt.UTC), tick=False):
        assert "密评报告（已过期" in refused(actors, project)
        for kind in (K.CRYPTO, K.RISK):
            report(actors, project, kind)
        report(actors, project, K.MLPS, level=3)
        assert acceptance_requested(actors, project).number == 1


def test_progress_below_100_is_refused_and_100_passes(actors):
    project = acceptance_ready(actors, building(actors))
    assert "最终形象进度为99%" in refused(actors, project, final_progress=99)
    assert acceptance_requested(actors, project, final_progress=100).number == 1


def test_a_justified_resource_counts_as_fulfilled(actors):
    project = building(actors)
    acceptance_ready(actors, project)
    resource = project.data_resources.get()
    resource.sharing_record.delete()
    assert "尚未落实：人口基础数据" in refused(actors, project)
    with pytest.raises(WorkflowError, match="须说明理由"):
        services.sharing_set(resource=resource, status="justified", by=actors.officer)
    services.sharing_set(
        resource=resource,
        status="justified",
        justification="涉及个人隐私，经审核不予共享",
        by=actors.officer,
    )
    assert acceptance_requested(actors, project).number == 1


def test_each_archive_type_is_required(actors):
    project = building(actors)
    acceptance_ready(actors, project)
    project.acceptance_documents.filter(kind=K.ARCHIVE_FINANCE).delete()
    assert "项目资料归档（缺少：资金使用及决算报告）" in refused(actors, project)


def test_bad_report_input_is_refused_and_changes_nothing(actors):
    project = building(actors)
    before = project.acceptance_documents.count()
    cases = [
        ({"kind": K.MLPS, "issuer": "", "issued_on": timezone.localdate()}, "测评（评估）机构"),
        (
            {
                "kind": K.MLPS,
                "issuer": "某中心",
                "issued_on": timezone.localdate() + dt.timedelta(1),
            },
            "报告日期不能晚于今天",
        ),
        (
            {"kind": K.MLPS, "issuer": "某中心", "issued_on": timezone.localdate(), "level": 9},
            "等保测评等级",
        ),
        ({"kind": "nonsense"}, "请选择材料类型"),
    ]
    for fields, match in cases:
        with pytest.raises(WorkflowError, match=match):
            services.document_add(
                project=project,
                upload=upload(),
                conclusion="pass",
                by=actors.officer,
                **{"level": 2, **fields},
            )
    with pytest.raises(WorkflowError, match="文件"):
        services.document_add(
            project=project,
            kind=K.ARCHIVE_DESIGN,
            upload=upload("x.pdf", b"not a pdf"),
            by=actors.officer,
        )
    assert project.acceptance_documents.count() == before


def test_only_the_departments_officer_prepares_the_checklist(actors):
    project = building(actors)
    for user, match in [
        (actors.other_officer, "只能准备本单位项目的验收材料"),
        (actors.office, "只有申报单位的经办人可以准备验收材料"),
    ]:
        with pytest.raises(WorkflowError, match=match):
            services.document_add(project=project, kind=K.ARCHIVE_DESIGN, upload=upload(), by=user)
