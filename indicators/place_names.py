"""Place names to regions, including a name qualified by the area it lies in
(四川省泸州市, 内江市市中区, 四川泸州): the one home of that rule, used by the
major-projects register (项目所在地 cells) and the plan annex's project list."""

from __future__ import annotations

from indicators.regions import Region, RegionDirectory, RegionError, normalise_name


class Places:
    """所在地 names to regions, including names qualified by the area they lie in."""

    def __init__(self, directory: RegionDirectory) -> None:
        self.directory = directory
        self._index: dict[str, list[Region]] | None = None

    def resolve(self, name: str) -> Region:
        try:
            return self.directory.resolve(name)
        except RegionError:
            found = self._qualified(normalise_name(name), None)
            if len(found) == 1:
                return next(iter(found.values()))
            raise  # the directory's own message, with its suggestions

    def _named(self, key: str) -> list[Region]:
        if self._index is None:
            self._index = {}
            for region in self.directory:
                for name in {normalise_name(n) for n in self.directory.names_of(region)}:
                    self._index.setdefault(name, []).append(region)
        return self._index.get(key, [])

    def _within(self, region: Region, ancestor: str | None) -> bool:
        return ancestor is None or ancestor in self.directory.lineage(region.code)[1:]

    def _qualified(self, key: str, ancestor: str | None) -> dict[str, Region]:
        """Regions ``key`` can mean as "area + name inside it" (四川省泸州市, 内江市市中区)."""
        found: dict[str, Region] = {}
        if ancestor is not None:
            for region in self._named(key):
                if self._within(region, ancestor):
                    found[region.code] = region
            if found:
                return found
        for cut in range(1, len(key)):
            for head in self._named(key[:cut]):
                if self._within(head, ancestor):
                    found.update(self._qualified(key[cut:], head.code))
        return found
