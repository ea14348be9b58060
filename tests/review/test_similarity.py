import pytest

from projects import rules
from review.similarity import grams, similar_projects
from tests.factories import Actors, JurisdictionFactory, draft_project, project_in

pytestmark = pytest.mark.django_db


def test_grams_are_character_bigrams_without_punctuation():
    assert grams("电子证照（二期）") == "二期 子证 期 照二 电子 证照".replace(" 期 ", " ")


def test_most_similar_projects_across_departments_with_scores():
    actors = Actors()
    project_in(actors, "submitted", name="统一电子证照管理系统")
    project_in(actors, "submitted", name="智慧医保结算系统", summary="医保结算。")
    mine = draft_project(actors, name="电子证照管理系统升级")
    found = similar_projects(mine)
    assert found[0].name == "统一电子证照管理系统"
    assert found[0].score > 70
    assert all(s.name != "电子证照管理系统升级" for s in found)  # drafts and itself excluded


def test_r7_warns_for_another_departments_near_duplicate():
    actors = Actors()
    other = Actors(jurisdiction=actors.jurisdiction)
    project_in(other, "submitted", name="统一电子证照管理系统")
    mine = draft_project(actors, name="统一电子证照管理系统")
    result = next(r for r in rules.preflight(mine) if r.rule.id == "R7")
    assert result.status == rules.WARNING
    assert "统一电子证照管理系统" in result.message and "相似度" in result.message


def test_r7_passes_for_distinct_projects():
    actors = Actors()
    project_in(actors, "submitted", name="智慧医保结算系统")
    mine = draft_project(actors, name="政务云基础设施扩容")
    result = next(r for r in rules.preflight(mine) if r.rule.id == "R7")
    assert result.status == rules.PASS


def test_candidates_come_from_the_jurisdiction_above_and_below_only():
    city = Actors()
    district = Actors(JurisdictionFactory(code="hz", name="海州区", level="district"))
    district.jurisdiction.parent = city.jurisdiction
    district.jurisdiction.save()
    elsewhere = Actors(JurisdictionFactory(code="zz", name="株洲市"))
    project_in(district, "submitted", name="统一电子证照管理系统（海州）")
    project_in(elsewhere, "submitted", name="统一电子证照管理系统（株洲）")
    mine = draft_project(city, name="统一电子证照管理系统")
    names = {s.name for s in similar_projects(mine)}
    assert names == {"统一电子证照管理系统（海州）"}
