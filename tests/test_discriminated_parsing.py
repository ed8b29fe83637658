"""The runtime parses a union told apart by the spec's discriminator (issue 14): the tag is
read under its wire name, a tag no member has keeps every field, strict validation agrees.
"""

from __future__ import annotations

from typing import Annotated, Literal, Optional, Union

from pydantic import Field, TypeAdapter

from generator.runtime._lenient import construct
from generator.runtime._model_base import APIModel, StripeModel, StripeObject


class Cat(APIModel):
    pet_type: Literal["cat"] = Field(
        validation_alias="petType", serialization_alias="petType"
    )
    meows: Optional[bool] = None


class Lizard(APIModel):
    pet_type: Literal["lizard"] = Field(
        validation_alias="petType", serialization_alias="petType"
    )
    scales: Optional[int] = None


Pet = Annotated[Union[Cat, Lizard], Field(discriminator="pet_type")]


def test_a_lizard_parses_as_a_lizard() -> None:
    lizard = construct(Pet, {"petType": "lizard", "scales": 3})
    assert isinstance(lizard, Lizard) and lizard.scales == 3
    assert isinstance(construct(Pet, {"petType": "cat", "meows": True}), Cat)


def test_an_unknown_tag_keeps_every_field() -> None:
    dog = construct(Pet, {"petType": "dog", "barks": True})
    assert type(dog) is StripeObject and dog.to_dict() == {
        "petType": "dog",
        "barks": True,
    }


def test_strict_validation_picks_the_same_member() -> None:
    parsed = TypeAdapter(Pet).validate_python({"petType": "lizard", "scales": 2})
    assert isinstance(parsed, Lizard)


def test_the_neutral_base_class_is_the_same_class() -> None:
    assert APIModel is StripeModel


class Dog(APIModel):
    name: str
    barks: Optional[bool] = None


class Fish(APIModel):
    name: str
    fins: int


def test_an_untagged_object_goes_to_the_member_it_fits() -> None:
    pets = Union[Dog, Fish]
    assert isinstance(construct(pets, {"name": "Rex", "barks": True}), Dog)
    assert isinstance(construct(pets, {"name": "Nemo", "fins": 3}), Fish)
    assert type(construct(pets, {"fins": 3})) is StripeObject  # no required name


class Planet(APIModel):
    """Members whose schemas leave the tag optional: ``Optional[Literal[...]]``, which
    pydantic refuses as a discriminator; the union names its tag the JSON-schema way."""

    kind: Optional[Literal["rocky", "gas"]] = None
    name: str


class Moon(APIModel):
    kind: Optional[Literal["moon"]] = None
    name: str
    orbits: Optional[Planet] = None


Body = Annotated[
    Union[Planet, Moon],
    Field(json_schema_extra={"discriminator": {"propertyName": "kind"}}),
]


class Sky(APIModel):
    bodies: Optional[list[Body]] = None
    brightest: Optional[Body] = None


def test_an_optional_tag_still_tells_the_members_apart() -> None:
    moon = {"kind": "moon", "name": "Io"}
    assert isinstance(TypeAdapter(Body).validate_python(moon), Moon)
    assert isinstance(construct(Body, moon), Moon)
    assert isinstance(construct(Body, {"kind": "gas", "name": "Jupiter"}), Planet)
    sky = construct(
        Sky, {"bodies": [moon], "brightest": {"kind": "rocky", "name": "Mars"}}
    )
    assert isinstance(sky.bodies[0], Moon) and isinstance(sky.brightest, Planet)


def test_a_member_outside_the_union_needs_no_tag() -> None:
    moon = Moon.model_validate({"name": "Phobos", "orbits": {"name": "Mars"}})
    assert moon.orbits is not None and moon.orbits.kind is None
    assert (
        construct(Moon, {"name": "Phobos", "orbits": {"name": "Mars"}}).orbits.kind
        is None
    )
