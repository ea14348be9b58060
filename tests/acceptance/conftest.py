import pytest

from tests.factories import Actors


@pytest.fixture
def actors():
    return Actors()
