from model import FORMS, Form


def test_forms_follow_the_reports_order_and_names():
    assert [f.id for f in FORMS] == [
        "knowledge_sharing", "alignment", "resource_exchange", "joint_action", "co_creation",
    ]  # fmt: skip
    assert [f.danish for f in FORMS] == [
        "videndele", "samvirke", "ressourceudveksle", "samordne", "samskabe",
    ]  # fmt: skip
    assert [int(f) for f in FORMS] == [1, 2, 3, 4, 5]


def test_every_form_has_meanings_colour_and_round_trips_by_id():
    for form in Form:
        assert form.meaning_en and form.meaning_da and form.colour.startswith("#")
        assert Form.from_id(form.id) is form
    assert Form.CO_CREATION.label("da") == "samskabe"
    assert Form.JOINT_ACTION.label("en") == "joint action"
    assert Form.CO_CREATION.label("en") == "co-creation"


def test_unknown_form_id_names_the_allowed_ids():
    try:
        Form.from_id("teamwork")
    except ValueError as err:
        assert "co_creation" in str(err)
    else:
        raise AssertionError("expected ValueError")
