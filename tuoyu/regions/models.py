"""Administrative divisions (行政区划) and their census populations."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class RegionLevel(models.TextChoices):
    PROVINCE = "province", _("省级")
    PREFECTURE = "prefecture", _("地级")
    COUNTY = "county", _("县级")
    FUNCTIONAL_ZONE = "functional_zone", _("功能区")
    STREET = "street", _("乡级（街道/乡镇）")


# How many digits of the code identify a region at each level; the rest is padding.
PREFIX_LENGTH = {
    RegionLevel.PROVINCE: 2,
    RegionLevel.PREFECTURE: 4,
    RegionLevel.COUNTY: 6,
    RegionLevel.FUNCTIONAL_ZONE: 6,
    RegionLevel.STREET: 9,
}


def region_prefix(code: str, level: str) -> str:
    return code[: PREFIX_LENGTH[RegionLevel(level)]]


def code_prefix(code: str) -> str:
    """The prefix of a code whose level is not known, read from its padding as GB/T 2260 writes it: a
    six-digit code ending 0000 is a province (43), ending 00 a prefecture (4302), otherwise a county
    (430202); nine and twelve digits are streets and communities. Never strip zeros that belong to the
    code: 130110 is a county, and its prefix must not also cover 130111."""
    code = code.strip()
    if len(code) == 6:
        if code.endswith("0000"):
            return code[:2]
        if code.endswith("00"):
            return code[:4]
    return code


class Region(models.Model):
    """A division (行政区划) keyed by its GB/T 2260 code — or, for 开发区, the NBS statistical code.

    ``prefix`` is the code without the padding of its level (株洲市 430200 → 4302), so every descendant's
    prefix starts with it: jurisdiction is a ``startswith`` on an indexed column.
    """

    code = models.CharField(_("区划代码"), max_length=12, primary_key=True)
    name = models.CharField(_("名称"), max_length=64)
    level = models.CharField(_("级别"), max_length=16, choices=RegionLevel.choices)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("上级"),
    )
    prefix = models.CharField(_("代码前缀"), max_length=12, unique=True)
    source = models.CharField(_("来源"), max_length=200, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(level__in=[c.value for c in RegionLevel]),
                name="regions_region_level_valid",
                violation_error_message="unknown region level",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):  # noqa: ANN002, ANN003
        self.prefix = region_prefix(self.code, self.level)
        super().save(*args, **kwargs)

    def ancestors(self) -> list[Region]:
        chain: list[Region] = []
        node = self.parent
        while node is not None:
            chain.append(node)
            node = node.parent
        return list(reversed(chain))

    def population(self, year: int = 2020) -> int | None:
        for p in self.populations.all():
            if p.year == year:
                return p.resident_population
        return None


class RegionPopulation(models.Model):
    """Resident population (常住人口) of a region in a census or statistical year, with its source."""

    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="populations")
    year = models.PositiveSmallIntegerField(_("年份"))
    resident_population = models.PositiveBigIntegerField(_("常住人口"))
    source = models.CharField(_("来源"), max_length=200)

    class Meta:
        ordering = ["region", "-year"]
        verbose_name = _("常住人口")
        verbose_name_plural = _("常住人口")
        constraints = [
            models.UniqueConstraint(fields=["region", "year"], name="regions_regionpopulation_one_per_year")
        ]

    def __str__(self) -> str:
        return f"{self.region} {self.year}: {self.resident_population}"
