"""R7 duplicate-investment check: the most similar existing projects (SPEC §4, §5).

Chinese has no word boundaries, so texts are compared as sets of character bigrams with
rapidfuzz (C speed). Candidates come from one ``values_list`` of names over the related jurisdictions; a C-speed pass
on raw names shortlists them, then the shortlist's name and content bigrams are scored.
"""

import re
from dataclasses import dataclass

from rapidfuzz import fuzz, process

NAME_WEIGHT, CONTENT_WEIGHT = 0.6, 0.4
PREFILTER_CUTOFF = 35
_PUNCT = re.compile(r"[\s\W_]+", re.UNICODE)


@dataclass(frozen=True)
class Similar:
    pk: int
    name: str
    department: str
    department_id: int
    status: str
    score: float


def grams(text: str, n: int = 2) -> str:
    """Sorted, de-duplicated character n-grams joined by spaces (rapidfuzz tokens)."""
    clean = _PUNCT.sub("", text or "")
    if len(clean) < n:
        return clean
    return " ".join(sorted({clean[i : i + n] for i in range(len(clean) - n + 1)}))


def similar_projects(project, *, limit: int = 5, min_score: float = 50) -> list[Similar]:
    """Projects most like ``project``: any department, not drafts, not ``project`` itself,
    in the jurisdictions that could fund the same thing twice (its own, the one above it and
    those below it: a district duplicating a city platform is the classic case)."""
    from django.db.models import Q

    from core.models import Jurisdiction
    from projects.models import Project

    j = project.jurisdiction_id
    parent = Jurisdiction.objects.filter(pk=j).values("parent_id")  # a subquery, not a query
    related = Q(jurisdiction_id=j) | Q(jurisdiction__parent_id=j) | Q(jurisdiction_id__in=parent)
    candidates = Project.objects.filter(related).exclude(status="draft").exclude(pk=project.pk)
    rows = list(candidates.values_list("pk", "name"))
    if not rows:
        return []
    # Cheap pass in C over raw names (character-level Indel similarity) ...
    shortlist = process.extract(
        project.name,
        [name for _, name in rows],
        scorer=fuzz.ratio,
        processor=None,
        limit=max(limit * 10, 50),
        score_cutoff=PREFILTER_CUTOFF,
    )
    pks = [rows[index][0] for _, _, index in shortlist]
    # ... then name and content bigram scores for the shortlist only (one more query).
    details = candidates.filter(pk__in=pks).values_list(
        "pk", "name", "summary", "department__name", "department_id", "status"
    )
    query_name = grams(project.name)
    query_content = grams(f"{project.name}{project.summary}")
    found = []
    for pk, name, summary, department, department_id, status in details:
        name_score = fuzz.token_sort_ratio(query_name, grams(name), processor=None)
        content_score = fuzz.token_sort_ratio(
            query_content, grams(f"{name}{summary}"), processor=None
        )
        score = round(NAME_WEIGHT * name_score + CONTENT_WEIGHT * content_score, 1)
        if score >= min_score:
            found.append(Similar(pk, name, department, department_id, status, score))
    found.sort(key=lambda s: s.score, reverse=True)
    return found[:limit]
