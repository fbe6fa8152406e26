"""Pages of the three sample sites, rendered from string templates.

Each family imitates the markup of a real kind of site: a provincial newspaper (category
listing with ?page=N, RSS), a NukeViet provincial portal (hometext, bodytext, `counter`,
"Tin liên quan", attachments panel, page-N listings) and a national outlet (sitemap.xml).
Around every article sits the furniture a harvester must ignore: view counters, share bars,
"Tin liên quan" teasers and most-read lists that quote other articles' figures, image file
names, captions, phone numbers and licence lines.
"""
from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from email.utils import format_datetime
from string import Template
from typing import Callable
from xml.sax.saxutils import escape as xml_escape

from pipeline.demo.sample_portal.content import (CATEGORY_NAMES, SITES, Article, Heading, HtmlTable, Image,
                                            SiteSpec, articles_of)


@dataclass(frozen=True)
class Page:
    body: bytes
    content_type: str           # with charset for text
    last_modified: datetime


def esc(text: str) -> str:
    return html.escape(text, quote=True)


def teaser(text: str, limit: int = 160) -> str:
    """The first `limit` characters of a lead, cut at a word, as listings and related boxes show it."""
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0] + "..."


_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}


def encode_cp1258(text: str) -> bytes:
    """Windows-1258 bytes: letters it lacks precomposed are written as base letter + combining
    tone mark, which is what the codepage (and old Vietnamese sites) do."""
    out = bytearray()
    for ch in text:
        try:
            out += ch.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        parts = unicodedata.normalize("NFD", ch)
        base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in _TONES))
        tones = "".join(c for c in parts if c in _TONES)
        out += (base + tones).encode("cp1258", errors="xmlcharrefreplace")
    return bytes(out)


def _nbsp_numbers(text: str) -> str:
    """No-break spaces after numbers (`1,8 triệu`, `74,3 %`), as some CMS editors produce."""
    return re.sub(r"(\d) (?=\S)", "\\1\u00a0", text)


def _dt(iso: str) -> datetime:
    return datetime.fromisoformat(iso)


def http_date(dt: datetime) -> str:
    from datetime import timezone
    return format_datetime(dt.astimezone(timezone.utc), usegmt=True)


# ---------------------------------------------------------------- article bodies

def body_html(article: Article, family: str, text: Callable[[str], str]) -> str:
    out = []
    for block in article.body:
        if isinstance(block, str):
            out.append(f"<p>{esc(text(block))}</p>")
        elif isinstance(block, Heading):
            out.append(f"<h2>{esc(text(block.text))}</h2>" if family != "nukeviet"
                       else f"<p><strong>{esc(text(block.text))}</strong></p>")
        elif isinstance(block, Image):
            src = f"/{article.site}/images/{block.file}"
            # The alt text is the bare file name, as many CMS leave it.
            out.append(f'<figure class="image"><img src="{esc(src)}" alt="{esc(block.file)}" width="800">'
                       f"<figcaption>{esc(text(block.caption))}</figcaption></figure>")
        elif isinstance(block, HtmlTable):
            head, *rows = block.rows
            cells = "".join(f"<th>{esc(c)}</th>" for c in head)
            trs = "".join("<tr>" + "".join(f"<td>{esc(c)}</td>" for c in r) + "</tr>" for r in rows)
            out.append(f'<table class="table-ranking"><caption>{esc(text(block.caption))}</caption>'
                       f"<thead><tr>{cells}</tr></thead><tbody>{trs}</tbody></table>")
    return "\n".join(out)


def related_of(article: Article, k: int = 3) -> list[Article]:
    """The next k articles of the same site (cyclically): teasers whose figures are not this page's."""
    same = articles_of(article.site)
    i = same.index(article)
    return [same[(i + j) % len(same)] for j in range(1, min(k, len(same) - 1) + 1)]


def most_read(site: str, k: int = 4) -> list[Article]:
    return sorted(articles_of(site), key=lambda a: -a.views)[:k]


# ---------------------------------------------------------------- newspaper

NEWSPAPER_ARTICLE = Template("""<!DOCTYPE html>
<html lang="vi">
<head>
<meta charset="utf-8">
<title>$title_e | Báo Lào Cai điện tử</title>
<meta property="og:title" content="$title_e">
<meta property="og:type" content="article">
<meta property="article:published_time" content="$iso">
<meta name="author" content="$author_e">
<link rel="canonical" href="$canonical">
<link rel="alternate" type="application/rss+xml" title="Chuyển đổi số" href="/rss/chuyen-doi-so.rss">
</head>
<body>
<header class="site-header"><a class="logo" href="/">BÁO LÀO CAI</a>
<nav class="main-nav">$nav</nav>
<div class="hotline">Đường dây nóng: 0214.3840.888</div></header>
<main class="container">
<div class="breadcrumb"><a href="/">Trang chủ</a> / <a href="$listing">$category_e</a></div>
<article class="article">
<h1 class="article__title">$title_e</h1>
<div class="article__meta"><span class="article__author">$author_e</span>
<time class="article__time" datetime="$iso">$published_e</time></div>
<div class="share-bar"><span>Chia sẻ</span> <a href="#">Facebook</a> <a href="#">Zalo</a> <a href="#">In bài</a></div>
<div class="article__sapo"><p>$lead_e</p></div>
<div class="article__body">
$body
</div>
<p class="article__author-bottom"><strong>$author_e</strong></p>
<div class="article__tags">Từ khóa: <a href="#">chuyển đổi số</a> <a href="#">Lào Cai</a></div>
</article>
<section class="related-news"><h3 class="box-title">Tin Liên Quan</h3>
<ul>
$related
</ul></section>
</main>
<aside class="sidebar"><div class="box most-read"><h3 class="box-title">Đọc nhiều</h3><ol>$most_read</ol></div>
<div class="box stats"><h3>Thống kê truy cập</h3><ul><li>Đang online: 312</li><li>Hôm nay: 36,516</li>
<li>Tất cả: 66,877,507</li></ul></div></aside>
<footer class="site-footer"><p>Cơ quan chủ quản: Tỉnh ủy Lào Cai. Giấy phép số 123/GP-BTTTT ngày 12/3/2021.</p>
<p>Tòa soạn: 12 đường Hoàng Liên, phường Cam Đường. Điện thoại: 0214.3840.888 - Email: toasoan@baolaocai.example</p>
<p>Bản mẫu dùng cho kiểm thử dti-harvester; nội dung và số liệu có phần được dựng lại.</p></footer>
</body>
</html>
""")

NEWSPAPER_LISTING = Template("""<!DOCTYPE html>
<html lang="vi">
<head><meta charset="utf-8"><title>$heading_e - Trang $page | Báo Lào Cai điện tử</title>
<link rel="alternate" type="application/rss+xml" title="Chuyển đổi số" href="/rss/chuyen-doi-so.rss"></head>
<body>
<header class="site-header"><a class="logo" href="/">BÁO LÀO CAI</a><nav class="main-nav">$nav</nav></header>
<main class="container"><h1 class="category-title">$heading_e</h1>
<div class="story-list">
$items
</div>
<div class="pagination">$pagination</div>
</main>
<footer class="site-footer"><p>Giấy phép số 123/GP-BTTTT. Điện thoại: 0214.3840.888</p></footer>
</body></html>
""")

NEWSPAPER_ITEM = Template("""<div class="story"><h2 class="story__title"><a href="$path">$title_e</a></h2>
<time datetime="$iso">$published_e</time><p class="story__summary">$teaser_e</p></div>""")


# ---------------------------------------------------------------- NukeViet portal

NUKEVIET_ARTICLE = Template("""<!DOCTYPE html>
<html lang="vi" xmlns="http://www.w3.org/1999/xhtml">
<head>
<meta http-equiv="Content-Type" content="text/html; charset=$charset">
<title>$title_e - Chuyển đổi số - Cổng thông tin điện tử tỉnh Thanh Hóa</title>
<meta name="generator" content="NukeViet v4.5">
<meta property="og:title" content="$title_e">
<meta property="og:type" content="article">
<meta property="article:published_time" content="$iso">
<link rel="canonical" href="$canonical">
</head>
<body>
<div id="header"><div class="logo"><a href="/" title="Cổng thông tin điện tử tỉnh Thanh Hóa">CỔNG THÔNG TIN ĐIỆN TỬ TỈNH THANH HÓA</a></div>
<ul class="menu">$nav</ul></div>
<div class="wraper"><div class="col-md-18">
<div class="news_column panel panel-default"><div class="panel-body">
<h1 class="title margin-bottom-lg">$title_e</h1>
<div class="row margin-bottom-lg"><div class="col-md-12"><span class="h5">$published_e</span></div>
<div class="col-md-12"><div class="counter">Lượt xem: $views</div></div></div>
<div class="hometext m-bottom">$lead_e</div>
<div id="news-bodyhtml" class="bodytext margin-bottom-lg">
$body
</div>
<div class="margin-bottom-lg"><p class="h5 text-right"><strong>$author_e</strong></p></div>
$attachment
<div class="socialicon clearfix margin-bottom-lg"><div class="fb-like">Thích</div> <div class="zalo-share-button">Chia sẻ Zalo</div> <a href="#" class="print">In bài viết</a></div>
</div></div>
<div class="news_column panel panel-default"><div class="panel-body other-news">
<p class="h3"><strong>Tin liên quan</strong></p>
<ul class="related">
$related
</ul></div></div>
</div>
<div class="col-md-6"><div class="panel panel-primary"><div class="panel-heading">Thống kê truy cập</div>
<ul class="counter-list"><li>Đang truy cập: 87</li><li>Hôm nay: 12,406</li><li>Tổng lượt truy cập: 48,221,930</li></ul></div>
<div class="panel panel-default"><div class="panel-heading">Tin đọc nhiều</div><ul>$most_read</ul></div></div>
</div>
<div id="footer"><p>Cơ quan chủ quản: Ủy ban nhân dân tỉnh Thanh Hóa. Địa chỉ: 35 Đại lộ Lê Lợi, phường Hạc Thành.</p>
<p>Điện thoại: 0237.3852.404 - Giấy phép số 46/GP-TTĐT ngày 08/6/2020. Bản mẫu dùng cho kiểm thử.</p></div>
</body>
</html>
""")

NUKEVIET_ATTACHMENT = Template("""<div class="news_column panel panel-default"><div class="panel-heading"><em class="fa fa-download">&nbsp;</em>Tệp đính kèm</div>
<div class="panel-body"><ul class="list-none"><li><a href="$href" title="$label_e"><em class="fa fa-file-pdf-o">&nbsp;</em>$label_e</a></li></ul></div></div>""")

NUKEVIET_LISTING = Template("""<!DOCTYPE html>
<html lang="vi"><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8">
<title>$heading_e - Cổng thông tin điện tử tỉnh Thanh Hóa</title><meta name="generator" content="NukeViet v4.5"></head>
<body><div id="header"><ul class="menu">$nav</ul></div>
<div class="wraper"><h1 class="h3">$heading_e</h1>
$items
<div class="text-center"><ul class="pagination">$pagination</ul></div></div>
<div id="footer"><p>Điện thoại: 0237.3852.404</p></div></body></html>
""")

NUKEVIET_ITEM = Template("""<div class="news_column panel panel-default"><div class="panel-body">
<h3><a href="$path" title="$title_e">$title_e</a></h3>
<ul class="list-inline"><li><em class="fa fa-clock-o">&nbsp;</em>$published_e</li><li><em class="fa fa-eye">&nbsp;</em>Lượt xem: $views</li></ul>
<div class="text-muted">$teaser_e</div></div></div>""")


# ---------------------------------------------------------------- national outlet

NATIONAL_ARTICLE = Template("""<!DOCTYPE html>
<html lang="vi">
<head>
<meta charset="utf-8">
<title>$title_e | Thời báo Số</title>
<meta name="description" content="$teaser_e">
<meta property="og:title" content="$title_e">
<meta property="og:site_name" content="Thời báo Số">
<meta property="article:published_time" content="$iso">
<meta name="author" content="$author_e">
<link rel="canonical" href="$canonical">
</head>
<body>
<header class="header"><a class="logo" href="/">Thời báo Số</a><nav>$nav</nav></header>
<div class="main">
<article class="detail">
<div class="detail-cate"><a href="$listing">$category_e</a></div>
<h1 class="detail-title">$title_e</h1>
<div class="detail-info"><span class="detail-author">$author_e</span> <span class="detail-time">$published_e</span>
<span class="detail-views">$views lượt đọc</span></div>
<div class="detail-share"><a href="#">Chia sẻ Facebook</a> <a href="#">Sao chép liên kết</a></div>
<h2 class="detail-sapo">$lead_e</h2>
<div class="detail-content">
$body
</div>
</article>
<div class="box-related"><h3 class="box-title">Tin liên quan</h3><ul>
$related
</ul></div>
<div class="box-most-read"><h3 class="box-title">Đọc nhiều nhất</h3><ol>$most_read</ol></div>
</div>
<footer class="footer"><p>Thời báo Số - bản mẫu dùng cho kiểm thử dti-harvester. Hotline: 1900.1234</p></footer>
</body>
</html>
""")

NATIONAL_LISTING = Template("""<!DOCTYPE html>
<html lang="vi"><head><meta charset="utf-8"><title>$heading_e | Thời báo Số</title></head>
<body><header class="header"><a class="logo" href="/">Thời báo Số</a><nav>$nav</nav></header>
<div class="main"><h1>$heading_e</h1>
$items
<div class="pagination">$pagination</div></div></body></html>
""")

NATIONAL_ITEM = Template("""<div class="item-news"><h3><a href="$path">$title_e</a></h3>
<span class="time">$published_e</span><p class="sapo">$teaser_e</p></div>""")

FAMILIES = {
    "newspaper": (NEWSPAPER_ARTICLE, NEWSPAPER_LISTING, NEWSPAPER_ITEM),
    "nukeviet": (NUKEVIET_ARTICLE, NUKEVIET_LISTING, NUKEVIET_ITEM),
    "national": (NATIONAL_ARTICLE, NATIONAL_LISTING, NATIONAL_ITEM),
}

HOME = Template("""<!DOCTYPE html>
<html lang="vi"><head><meta charset="utf-8"><title>$title_e</title></head>
<body><h1>$title_e</h1><nav>$nav</nav>
<h2>Tin mới</h2><ul>$latest</ul></body></html>
""")


# ---------------------------------------------------------------- site assembly

def categories(spec: SiteSpec) -> list[str]:
    """The site's categories, in the order its articles first use them."""
    seen: list[str] = []
    for a in articles_of(spec.name):
        if a.category not in seen:
            seen.append(a.category)
    return seen


def listing_url(spec: SiteSpec, category: str, page: int = 1) -> str:
    first = spec.listing_path.format(category=category)
    return first if page == 1 else spec.page_path.format(listing=first, page=page)


def _nav(spec: SiteSpec) -> str:
    tag = "li" if spec.family == "nukeviet" else "span"
    return " ".join(f'<{tag}><a href="{esc(listing_url(spec, c))}">{esc(CATEGORY_NAMES.get(c, c))}</a></{tag}>'
                    for c in categories(spec))


def _fields(a: Article) -> dict[str, str]:
    return {"path": esc(a.path), "title_e": esc(a.title), "published_e": esc(a.published), "iso": a.iso,
            "teaser_e": esc(teaser(a.lead)), "views": str(a.views), "author_e": esc(a.author)}


def render_article(a: Article, base_url: str) -> Page:
    spec = SITES[a.site]
    article_t, _, _ = FAMILIES[spec.family]
    text = (lambda s: _nbsp_numbers(s)) if a.unicode == "nfd" else (lambda s: s)
    rel_tag = '<li><a href="{path}">{title}</a><p>{teaser}</p></li>'
    related = "\n".join(rel_tag.format(path=esc(r.path), title=esc(r.title), teaser=esc(teaser(r.lead)))
                        for r in related_of(a))
    most = "".join(f'<li><a href="{esc(m.path)}">{esc(m.title)}</a></li>' for m in most_read(a.site))
    attachment = ""
    if a.attachment:
        attachment = NUKEVIET_ATTACHMENT.substitute(href=esc(a.attachment_path), label_e=esc(a.attachment.label))
    values = dict(_fields(a), lead_e=esc(text(a.lead)), body=body_html(a, spec.family, text),
                  related=related, most_read=most, nav=_nav(spec), canonical=esc(base_url + a.path),
                  listing=esc(listing_url(spec, a.category)), category_e=esc(CATEGORY_NAMES.get(a.category, a.category)),
                  attachment=attachment, charset=a.encoding)
    page = article_t.substitute(values)
    if a.unicode == "nfd":
        page = unicodedata.normalize("NFD", page)
    if a.encoding.lower() in ("windows-1258", "cp1258"):
        body = encode_cp1258(page)
    else:
        body = page.encode(a.encoding)
    return Page(body, f"text/html; charset={a.encoding}", _dt(a.iso))


def render_listing(spec: SiteSpec, category: str, page: int, items: list[Article], pages: int) -> Page:
    _, listing_t, item_t = FAMILIES[spec.family]
    links = []
    for p in range(1, pages + 1):
        if p == page:
            links.append(f'<span class="active">{p}</span>')
        else:
            links.append(f'<a href="{esc(listing_url(spec, category, p))}">{p}</a>')
    if page < pages:
        links.append(f'<a class="next" rel="next" href="{esc(listing_url(spec, category, page + 1))}">Trang sau</a>')
    body = listing_t.substitute(heading_e=esc(CATEGORY_NAMES.get(category, category)), page=str(page),
                                nav=_nav(spec), items="\n".join(item_t.substitute(_fields(a)) for a in items),
                                pagination=" ".join(links))
    return Page(body.encode("utf-8"), "text/html; charset=utf-8", max(_dt(a.iso) for a in items))


def render_home(spec: SiteSpec) -> Page:
    arts = articles_of(spec.name)
    latest = "".join(f'<li><a href="{esc(a.path)}">{esc(a.title)}</a> <span>{esc(a.published)}</span></li>'
                     for a in arts[:6])
    body = HOME.substitute(title_e=esc(spec.home_title), nav=_nav(spec), latest=latest)
    return Page(body.encode("utf-8"), "text/html; charset=utf-8", max(_dt(a.iso) for a in arts))


def render_rss(spec: SiteSpec, category: str, base_url: str) -> Page:
    arts = [a for a in articles_of(spec.name) if a.category == category]
    items = "\n".join(
        f"<item><title>{xml_escape(a.title)}</title><link>{xml_escape(base_url + a.path)}</link>"
        f"<guid isPermaLink=\"true\">{xml_escape(base_url + a.path)}</guid>"
        f"<pubDate>{http_date(_dt(a.iso))}</pubDate><description>{xml_escape(teaser(a.lead))}</description></item>"
        for a in arts)
    body = (f'<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel>'
            f"<title>{xml_escape(spec.outlet)} - {xml_escape(CATEGORY_NAMES.get(category, category))}</title>"
            f"<link>{xml_escape(base_url + listing_url(spec, category))}</link>"
            f"<description>Tin {xml_escape(CATEGORY_NAMES.get(category, category))}</description>\n{items}\n"
            f"</channel></rss>\n")
    return Page(body.encode("utf-8"), "application/rss+xml; charset=utf-8", max(_dt(a.iso) for a in arts))


def render_sitemap(spec: SiteSpec, base_url: str) -> Page:
    arts = articles_of(spec.name)
    urls = "\n".join(f"<url><loc>{xml_escape(base_url + a.path)}</loc><lastmod>{a.iso}</lastmod></url>"
                     for a in arts)
    body = ('<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n{urls}\n</urlset>\n')
    return Page(body.encode("utf-8"), "application/xml; charset=utf-8", max(_dt(a.iso) for a in arts))


def render_robots(spec: SiteSpec, base_url: str, started: datetime) -> Page:
    lines = ["User-agent: *", f"Disallow: /{spec.name}/tim-kiem", "Disallow: /admin/"]
    if spec.family == "national":
        lines.append(f"Sitemap: {base_url}/sitemap.xml")
    return Page(("\n".join(lines) + "\n").encode("ascii"), "text/plain; charset=utf-8", started)


def render_site(spec: SiteSpec, base_url: str, pdfs: dict[str, bytes], started: datetime) -> dict[str, Page]:
    """Every page of one site by its path (with query), ready to serve."""
    from pipeline.demo.sample_portal.pdfs import CREATION_DATE
    pages: dict[str, Page] = {"/": render_home(spec), "/robots.txt": render_robots(spec, base_url, started)}
    arts = articles_of(spec.name)
    for a in arts:
        pages[a.path] = render_article(a, base_url)
        if a.attachment:
            pages[a.attachment_path] = Page(pdfs[a.attachment.pdf], "application/pdf", CREATION_DATE)
    for category in categories(spec):
        in_cat = [a for a in arts if a.category == category]
        chunks = [in_cat[i:i + spec.per_page] for i in range(0, len(in_cat), spec.per_page)]
        for n, chunk in enumerate(chunks, start=1):
            pages[listing_url(spec, category, n)] = render_listing(spec, category, n, chunk, len(chunks))
    if spec.family == "newspaper":
        pages["/rss/chuyen-doi-so.rss"] = render_rss(spec, "chuyen-doi-so", base_url)
    if spec.family == "national":
        pages["/sitemap.xml"] = render_sitemap(spec, base_url)
    return pages
