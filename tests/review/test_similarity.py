"""R7 (SPEC §4, §5): domain-aware duplicate check, candidate scope, stored results."""

import pytest
from django.urls import reverse

from projects import rules
from projects import services as project_services
from review import similarity
from review.models import InformationSystem, SimilarityResult
from tests.factories import Actors, JurisdictionFactory, draft_project, project_in

pytestmark = pytest.mark.django_db

# A slice of the demo's 湘潭 portfolio: the corpus that gives terms their rarity.
PORTFOLIO = [
    "电子政务外网升级改造及市县乡村四级统一智能运维",
    "统一身份认证系统",
    "统一电子证照管理系统",
    "市数据共享交换平台升级",
    "网络安全管理中心（一中心）",
    "安全能力服务平台",
    "重点车辆审监联动系统",
    "城市停车柔性执法平台",
    "社会保障一卡通一码通",
    "全民健康信息平台升级",
    "食品安全智慧监管系统",
    "政府决策驾驶舱",
]
PAIR = ("雪亮工程视频监控联网共享平台", "公安视频图像共享平台扩容")
SUMMARY = "按照全市数字政府建设总体部署，完成需求分析、系统建设、数据对接和安全保障。"


def _r7(project):
    return next(r for r in rules.preflight(project) if r.rule.id == "R7")


def _portfolio(actors):
    for name in PORTFOLIO:
        project_in(actors, "submitted", name=name, summary=f"{name}：{SUMMARY}")


def test_catches_the_video_platform_pair_in_the_same_department():
    actors = Actors()
    _portfolio(actors)
    project_in(actors, "submitted", name=PAIR[0], summary=f"{PAIR[0]}：{SUMMARY}")
    mine = draft_project(actors, name=PAIR[1], summary=f"{PAIR[1]}：{SUMMARY}")
    result = _r7(mine)
    assert result.status == rules.WARNING
    assert result.message.startswith("发现相似的项目或已建信息系统：")
    assert PAIR[0] in result.message and "相似度" in result.message
    assert result.blocks_submit  # a warning: needs a written justification


@pytest.mark.parametrize("name", PORTFOLIO)
def test_unrelated_demo_projects_are_not_hits(name):
    actors = Actors()
    _portfolio(actors)
    mine = draft_project(actors, name=PAIR[1], summary=f"{PAIR[1]}：{SUMMARY}")
    hits = {h.name: h.score for h in similarity.check_project(mine, limit=20)}
    assert hits.get(name, 0) < similarity.HIT_SCORE
    assert _r7(mine).status == rules.PASS


def test_generic_words_alone_do_not_make_a_duplicate():
    assert {"平台", "系统", "建设", "项目"} & similarity.terms("统一平台系统建设项目") == set()
    assert "#视频监控" in similarity.terms("雪亮工程") and "视频" in similarity.terms("视频图像")


def test_candidates_are_the_jurisdiction_its_parent_and_children_only():
    city = Actors()
    district = Actors(JurisdictionFactory(code="hz", name="海州区", level="district"))
    district.jurisdiction.parent = city.jurisdiction
    district.jurisdiction.save()
    elsewhere = Actors(JurisdictionFactory(code="zz", name="株洲市"))
    project_in(district, "submitted", name="统一电子证照管理系统（海州）")
    project_in(elsewhere, "submitted", name="统一电子证照管理系统（株洲）")
    draft_project(city, name="统一电子证照管理系统（草稿）")  # drafts are never candidates
    mine = draft_project(city, name="统一电子证照管理系统")
    assert {s.name for s in similarity.check_project(mine)} == {"统一电子证照管理系统（海州）"}
    # and from the district, the city (its parent) is a candidate
    project_in(city, "submitted", name="统一电子印章系统")
    theirs = draft_project(district, name="统一电子印章系统（海州）")
    assert "统一电子印章系统" in {s.name for s in similarity.check_project(theirs)}


def test_register_systems_are_searched_with_owner_and_status():
    actors = Actors()
    InformationSystem.objects.create(
        jurisdiction=actors.jurisdiction,
        name="雪亮工程视频监控联网共享平台",
        owner=actors.other_department,
        build_type="own",
        hosting="gov_cloud",
        network="extranet",
        updated_by=actors.office,
    )
    mine = draft_project(actors, name="公安视频监控联网共享平台扩容")
    hit = similarity.check_project(mine)[0]
    assert (hit.kind, hit.owner, hit.status) == ("system", "湘潭市公安局", "在用（自建）")
    assert "已建系统“雪亮工程视频监控联网共享平台”（在用（自建）" in _r7(mine).message


def test_result_is_stored_when_saved_and_refreshed_when_name_or_content_change():
    actors = Actors()
    project_in(actors, "submitted", name="统一电子证照管理系统")
    mine = draft_project(actors, name="智慧医保结算系统")
    stored = SimilarityResult.objects.get(project=mine)
    assert stored.computed_at and "统一电子证照管理系统" not in str(stored.hits)
    fields = {"name": "统一电子证照管理系统升级"}
    mine = project_services.project_save_draft(
        by=actors.officer,
        project=mine,
        version=mine.version,
        fields=fields,
        platforms=[],
        data_resources=[],
    )
    stored.refresh_from_db()
    assert stored.fingerprint == similarity.fingerprint(mine)
    assert "统一电子证照管理系统" in str(stored.hits)


def test_pages_read_the_stored_result_and_run_no_similarity_query(client):
    actors = Actors()
    project_in(actors, "submitted", name="统一电子证照管理系统")
    mine = draft_project(actors, name="统一电子证照管理系统二期")
    project_services.justification_set(
        project=mine, rule_id="R7", text="二期只建设证照共享接口。", by=actors.officer
    )
    project_services.project_confirm(project=mine, by=actors.head)
    mine = project_services.project_submit(project=mine, by=actors.officer)
    client.force_login(actors.office)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("projects:detail", args=[mine.pk]))
    assert response.status_code == 200
    assert "查重时间" in response.content.decode()
    sql = [q["sql"] for q in queries.captured_queries]
    assert not any("review_similarityterm" in q for q in sql)  # no index read on a page view
    assert sum('FROM "review_similarityresult"' in q for q in sql) == 1
