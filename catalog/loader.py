"""Reading, validating, versioning and exporting the catalogue file."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from catalog.schema import HowTo, Offering

DEFAULT_CATALOG_NAME = "offerings.yaml"


class CatalogError(ValueError):
    """The catalogue file is unreadable or breaks the schema; ``problems`` lists every issue."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = list(problems)
        super().__init__("; ".join(self.problems))


@dataclass(frozen=True)
class Catalog:
    """A validated catalogue: offerings in file order plus a content-hash version."""

    offerings: tuple[Offering, ...]
    version: str
    as_of: dt.date | None = None
    howto: tuple[HowTo, ...] = ()
    _by_id: Mapping[str, Offering] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_id", {o.id: o for o in self.offerings})

    def __len__(self) -> int:
        return len(self.offerings)

    def __iter__(self) -> Iterator[Offering]:
        return iter(self.offerings)

    def __contains__(self, offering_id: object) -> bool:
        return offering_id in self._by_id

    def get(self, offering_id: str) -> Offering | None:
        return self._by_id.get(offering_id)

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(o.id for o in self.offerings)

    def active(self) -> tuple[Offering, ...]:
        return tuple(o for o in self.offerings if o.active)

    def howto_for(self, offering: Offering) -> tuple[HowTo, ...]:
        """How-to entries for the prerequisites ``offering`` requires, in file order."""
        wanted = set(offering.constraints.requires)
        return tuple(h for h in self.howto if h.requirement in wanted)


def default_catalog_path() -> Path:
    """The curated catalogue shipped inside the package."""
    return Path(str(resources.files("catalog") / "data" / DEFAULT_CATALOG_NAME))


def load_catalog(path: str | Path | None = None) -> Catalog:
    """Read and validate a YAML catalogue file.

    Raises :class:`CatalogError` whose problems name the entry id and the field.
    """
    source = Path(path) if path is not None else default_catalog_path()
    try:
        text = source.read_text(encoding="utf-8")
    except OSError as exc:
        raise CatalogError([f"{source}: cannot read ({exc.strerror or exc})"]) from exc
    loader = _UniqueKeyLoader(text)
    loader.name = str(source)  # error marks then name the file, not "<unicode string>"
    try:
        document = loader.get_single_data()
    except yaml.YAMLError as exc:
        raise CatalogError([f"{source}: not valid YAML ({exc})"]) from exc
    finally:
        loader.dispose()
    return catalog_from_document(document)


class _UniqueKeyLoader(yaml.SafeLoader):
    """SafeLoader that refuses a key repeated in one mapping.

    Plain YAML keeps the last of two ``features:`` lines and silently drops the first; in a
    hand-edited catalogue that hides a mistake, so it is an error here.
    """


def _mapping_without_repeats(loader: yaml.SafeLoader, node: yaml.MappingNode) -> Any:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                "while reading a mapping",
                node.start_mark,
                f"found the key '{key}' twice",
                key_node.start_mark,
            )
        seen.add(key)
    return loader.construct_mapping(node)


_UniqueKeyLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping_without_repeats
)


def catalog_from_document(document: Any) -> Catalog:
    """Validate a parsed document ``{as_of?, offerings: [...], howto?: [...]}``."""
    if not isinstance(document, dict) or not isinstance(document.get("offerings"), list):
        raise CatalogError(["the catalogue must be a mapping with a list under 'offerings'"])
    unknown_top = sorted(set(document) - {"as_of", "offerings", "howto"})
    problems = [f"unknown top-level key '{key}'" for key in unknown_top]
    if not document["offerings"]:
        problems.append("'offerings' is empty: a catalogue needs at least one offering")
    offerings: list[Offering] = []
    seen: dict[str, int] = {}
    for index, raw in enumerate(document["offerings"]):
        label = _entry_label(raw, index)
        if not isinstance(raw, dict):
            problems.append(f"{label}: must be a mapping of fields")
            continue
        try:
            offering = Offering.model_validate(raw)
        except ValidationError as exc:
            problems.extend(f"{label} {message}" for message in _field_messages(exc))
            continue
        if offering.id in seen:
            problems.append(
                f"{label} field 'id': duplicate id, first used by entry #{seen[offering.id] + 1}"
            )
            continue
        seen[offering.id] = index
        offerings.append(offering)
    as_of = document.get("as_of")
    if as_of is not None and not isinstance(as_of, dt.date):
        problems.append("top-level 'as_of' must be a date (YYYY-MM-DD)")
        as_of = None
    howto = _howto(document.get("howto", []), problems)
    if problems:
        raise CatalogError(problems)
    return Catalog(
        offerings=tuple(offerings),
        version=catalog_version(offerings, howto),
        as_of=as_of,
        howto=howto,
    )


def _howto(raw: Any, problems: list[str]) -> tuple[HowTo, ...]:
    if not isinstance(raw, list):
        problems.append("'howto' must be a list of entries")
        return ()
    found: list[HowTo] = []
    for index, item in enumerate(raw):
        label = f"howto '{item['id']}'" if isinstance(item, dict) and "id" in item else (
            f"howto #{index + 1}"
        )
        try:
            found.append(HowTo.model_validate(item))
        except ValidationError as exc:
            problems.extend(f"{label} {message}" for message in _field_messages(exc))
    ids = [h.id for h in found]
    repeated = sorted({i for i in ids if ids.count(i) > 1})
    problems.extend(f"howto '{i}' field 'id': duplicate id" for i in repeated)
    return tuple(found)


def catalog_version(offerings: Sequence[Offering], howto: Sequence[HowTo] = ()) -> str:
    """Content hash of the validated offerings (and how-to entries, when there are any).

    Comments, layout, key order and the order of entries do not change it (entries are hashed
    sorted by id); any change to a field's value does.
    """
    ordered: list[Any] = [o.model_dump(mode="json") for o in sorted(offerings, key=lambda o: o.id)]
    if howto:
        ordered.append([h.model_dump(mode="json") for h in sorted(howto, key=lambda h: h.id)])
    canonical = json.dumps(ordered, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:16]


def export_json(catalog: Catalog) -> str:
    payload = {
        "catalog_version": catalog.version,
        "offerings": [o.model_dump(mode="json") for o in catalog.offerings],
    }
    return json.dumps(payload, indent=2, ensure_ascii=False)


_CSV_COLUMNS = (
    "id", "name", "provider", "category", "status", "status_since", "scope",
    "min_weight_kg", "max_weight_kg", "max_value_inr", "cod_max_inr", "destinations",
    "regions", "requires", "segments", "features", "sectors", "channels", "location",
    "price", "speed", "source_urls", "as_of",
)


def export_csv(catalog: Catalog) -> str:
    """One row per offering; list fields joined with ';'."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=_CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for offering in catalog.offerings:
        data = offering.model_dump(mode="json")
        flat = {**data, **data.pop("constraints")}
        flat["location"] = data["location"]["kind"]
        writer.writerow({key: _cell(flat.get(key)) for key in _CSV_COLUMNS})
    return buffer.getvalue()


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return ";".join(str(v) for v in value)
    return str(value)


def _entry_label(raw: Any, index: int) -> str:
    if isinstance(raw, dict) and isinstance(raw.get("id"), str):
        return f"entry '{raw['id']}'"
    return f"entry #{index + 1}"


def _field_messages(exc: ValidationError) -> Iterator[str]:
    errors = exc.errors()
    places = [tuple(str(p) for p in e["loc"] if not _is_union_tag(p)) for e in errors]
    for index, (error, where) in enumerate(zip(errors, places, strict=True)):
        if _is_echo(error["type"], index, where, places):
            continue
        message = error["msg"].removeprefix("Value error, ")
        yield f"field '{'.'.join(where) or '(entry)'}': {message}"


def _is_echo(kind: str, index: int, where: tuple[str, ...], places: list[tuple[str, ...]]) -> bool:
    """Errors pydantic adds as a side effect of another one at the same place.

    A list whose only item is invalid also fails "at least 1 item"; a list that fails also
    fails the ``"all"`` branch of its union. Reporting those would send the editor to fix the
    wrong thing.
    """
    others = [p for i, p in enumerate(places) if i != index]
    if kind == "too_short":
        return any(len(p) > len(where) and p[: len(where)] == where for p in others)
    if kind == "literal_error":
        return any(p[: len(where)] == where for p in others)
    return False


def _is_union_tag(part: Any) -> bool:
    # pydantic names union branches in the location, e.g. "tuple[str, ...]"; they help no reader.
    return isinstance(part, str) and ("[" in part or part.startswith("literal"))
