"""The portal's content as typed records, loaded from articles/*.yaml and decisions/*.yaml."""
from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional, Union

import yaml

from pipeline.textnorm import normalize_text

HERE = Path(__file__).resolve().parent
ARTICLES_DIR = HERE / "articles"
DECISIONS_DIR = HERE / "decisions"
GOLD_PATH = HERE / "gold.jsonl"


@dataclass(frozen=True)
class SiteSpec:
    """How one site lays out its URLs and pages; the differences between sites are data."""
    name: str
    outlet: str
    province: Optional[str]
    family: str                 # newspaper | nukeviet | national: which page templates to use
    article_path: str           # format string over the Article fields
    listing_path: str           # first page of a category listing
    page_path: str              # further pages: {listing} and {page}
    per_page: int
    home_title: str
    # CSS selectors of site-specific furniture for the sources config (sources.yaml's
    # remove_selectors); the parser's defaults handle the common kinds.
    remove_selectors: tuple[str, ...] = ()


SITES: dict[str, SiteSpec] = {s.name: s for s in [
    SiteSpec(name="baolaocai", outlet="Báo Lào Cai (mẫu)", province="Lào Cai", family="newspaper",
             article_path="/baolaocai/{category}/{slug}-post{id}.html",
             listing_path="/baolaocai/{category}", page_path="{listing}?page={page}", per_page=3,
             home_title="Báo Lào Cai điện tử - bản mẫu"),
    SiteSpec(name="thanhhoa", outlet="Cổng thông tin điện tử tỉnh Thanh Hóa (mẫu)", province="Thanh Hóa",
             family="nukeviet", article_path="/thanhhoa/vi/news/{category}/{slug}-{id}.html",
             listing_path="/thanhhoa/vi/news/{category}/", page_path="{listing}page-{page}", per_page=4,
             home_title="Cổng thông tin điện tử tỉnh Thanh Hóa - bản mẫu"),
    SiteSpec(name="thoibaoso", outlet="Thời báo Số (mẫu)", province=None, family="national",
             article_path="/thoibaoso/{category}/{slug}-{id}.html",
             listing_path="/thoibaoso/{category}", page_path="{listing}?trang={page}", per_page=10,
             home_title="Thời báo Số - tin công nghệ và chuyển đổi số (bản mẫu)",
             remove_selectors=(".detail-info", ".box-most-read")),
]}

CATEGORY_NAMES = {
    "chuyen-doi-so": "Chuyển đổi số", "kinh-te": "Kinh tế", "van-hoa-du-lich": "Văn hóa - Du lịch",
    "tin-tuc-su-kien": "Tin tức - Sự kiện", "cong-nghe": "Công nghệ", "kinh-te-so": "Kinh tế số",
    "the-thao": "Thể thao",
}


@dataclass(frozen=True)
class Image:
    file: str
    caption: str


@dataclass(frozen=True)
class Heading:
    text: str


@dataclass(frozen=True)
class HtmlTable:
    caption: str
    rows: tuple[tuple[str, ...], ...]   # header row first


Block = Union[str, Image, Heading, HtmlTable]


@dataclass(frozen=True)
class Attachment:
    file: str       # file name under the site's uploads folder
    label: str      # the link text
    pdf: str        # the decision (decisions/<pdf>.yaml) it is built from


@dataclass(frozen=True)
class Article:
    site: str
    id: int
    category: str
    slug: str
    title: str
    published: str              # as the site shows it
    iso: str                    # the same moment, ISO 8601 (Last-Modified, RSS, sitemap)
    author: str
    views: int
    lead: str
    body: tuple[Block, ...]
    attachment: Optional[Attachment] = None
    encoding: str = "utf-8"     # the charset the page is served in
    unicode: str = "nfc"        # nfc, or nfd for the page served decomposed with no-break spaces

    @property
    def path(self) -> str:
        return SITES[self.site].article_path.format(category=self.category, slug=self.slug, id=self.id)

    @property
    def attachment_path(self) -> Optional[str]:
        return f"/{self.site}/uploads/news/{self.attachment.file}" if self.attachment else None

    def visible_text(self) -> str:
        """The article as a reader sees it (title, lead, paragraphs, table rows as `a | b`),
        normalized like the parser's output; gold evidence must quote it."""
        parts = [self.title, self.lead]
        for block in self.body:
            if isinstance(block, str):
                parts.append(block)
            elif isinstance(block, Heading):
                parts.append(block.text)
            elif isinstance(block, HtmlTable):
                parts.append(block.caption)
                parts.extend(" | ".join(r) for r in block.rows)
        return normalize_text("\n\n".join(parts))


@dataclass(frozen=True)
class Decision:
    """A decision (Quyết định) with its ranking table, rendered to PDF by pdfs.py."""
    key: str
    number: str
    issuer: str
    place_date: str
    summary: str
    preamble: tuple[str, ...]
    articles: tuple[str, ...]
    signer: tuple[str, ...]
    table_title: str
    columns: tuple[str, ...]
    widths: tuple[int, ...]
    rows: tuple[tuple[str, ...], ...]
    notes: list[str] = field(default_factory=list)


class ContentError(ValueError):
    """A content file is malformed; the message names the file and the fix."""


def _block(raw, where: str) -> Block:
    if isinstance(raw, str):
        return " ".join(raw.split())
    if isinstance(raw, dict) and set(raw) == {"image", "caption"}:
        return Image(file=raw["image"], caption=" ".join(raw["caption"].split()))
    if isinstance(raw, dict) and set(raw) == {"heading"}:
        return Heading(text=raw["heading"])
    if isinstance(raw, dict) and set(raw) == {"table"}:
        t = raw["table"]
        return HtmlTable(caption=t.get("caption", ""), rows=tuple(tuple(map(str, r)) for r in t["rows"]))
    raise ContentError(f"{where}: a body block must be a paragraph string, {{image, caption}}, "
                       f"{{heading}} or {{table}}; got {raw!r}")


def _article(path: Path) -> Article:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    known = {"site", "id", "category", "slug", "title", "published", "iso", "author", "views", "lead",
             "body", "attachment", "encoding", "unicode"}
    unknown = set(data) - known
    if unknown:
        raise ContentError(f"{path.name}: unknown key {sorted(unknown)[0]!r}; known keys are {sorted(known)}")
    if data["site"] not in SITES:
        raise ContentError(f"{path.name}: site {data['site']!r} is not one of {sorted(SITES)}")
    att = data.get("attachment")
    return Article(
        site=data["site"], id=int(data["id"]), category=data["category"], slug=data["slug"],
        title=data["title"], published=data["published"], iso=data["iso"], author=data["author"],
        views=int(data["views"]), lead=" ".join(data["lead"].split()),
        body=tuple(_block(b, path.name) for b in data["body"]),
        attachment=Attachment(**att) if att else None,
        encoding=data.get("encoding", "utf-8"), unicode=data.get("unicode", "nfc"))


@functools.lru_cache(maxsize=1)
def load_articles() -> tuple[Article, ...]:
    """Every article, ordered by site then newest first (the order listings show)."""
    arts = [_article(p) for p in sorted(ARTICLES_DIR.glob("*.yaml"))]
    paths = [a.path for a in arts]
    if len(set(paths)) != len(paths):
        raise ContentError("two articles share one URL; give each its own site/category/slug/id")
    return tuple(sorted(arts, key=lambda a: (a.site, a.iso), reverse=False))


@functools.lru_cache(maxsize=None)
def load_decision(key: str) -> Decision:
    data = yaml.safe_load((DECISIONS_DIR / f"{key}.yaml").read_text(encoding="utf-8"))
    rows = tuple(tuple(map(str, r)) for r in data["rows"])
    if any(len(r) != len(data["columns"]) for r in rows):
        raise ContentError(f"decisions/{key}.yaml: every row needs {len(data['columns'])} cells")
    return Decision(key=key, number=data["number"], issuer=data["issuer"], place_date=data["place_date"],
                    summary=" ".join(data["summary"].split()), preamble=tuple(data["preamble"]),
                    articles=tuple(data["articles"]), signer=tuple(data["signer"]),
                    table_title=data["table_title"], columns=tuple(data["columns"]),
                    widths=tuple(data["widths"]), rows=rows)


def articles_of(site: str) -> list[Article]:
    """A site's articles, newest first."""
    return sorted((a for a in load_articles() if a.site == site), key=lambda a: a.iso, reverse=True)
