import threading

import pytest
from django.db import connection

from review import services
from review.models import Vote
from tests.factories import Actors, make_committee, meeting_with, project_in


@pytest.mark.django_db(transaction=True)
def test_simultaneous_votes_leave_exactly_one_vote_per_member(postgres_only):
    actors = Actors()
    review = project_in(actors, "in_review").reviews.get()
    members = make_committee(actors, 3)
    item = services.agenda_add(
        meeting=meeting_with(actors, members), review=review, by=actors.office
    )
    voters = [members[0], members[0], members[1], members[1]]
    choices = ["approve", "reject", "approve", "send_back"]
    barrier = threading.Barrier(len(voters))
    errors = []

    def cast(member, choice):
        try:
            barrier.wait()
            services.vote_cast(item=item, member=member, choice=choice, by=member)
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=cast, args=pair) for pair in zip(voters, choices, strict=True)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    counts = {m.pk: Vote.objects.filter(item=item, member=m).count() for m in members}
    assert counts == {members[0].pk: 1, members[1].pk: 1, members[2].pk: 0}
    assert Vote.objects.get(item=item, member=members[0]).choice in {"approve", "reject"}
