"""The demo's outside world: a local web server with the outlets' RSS feeds, a news
site with a listing page and article pages, and a partner's post list, plus export
files and an officers' mail folder on disk. The real connectors collect from it.
"""

from __future__ import annotations

import csv
import json
import threading
from collections.abc import Iterable
from email.message import EmailMessage
from email.utils import format_datetime
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from xml.sax.saxutils import escape as xml_escape

from yuqing.demo.scenario import DemoFieldReport, DemoItem, Scenario

# How each scenario source reaches yuqing: (source kind, preset or None).
CHANNELS = {
    "qinglan-daily": ("rss", None),
    "qinglan-tv": ("rss", None),
    "healthy-qinglan": ("rss", None),
    "qinglan-release": ("web", None),
    "forum": ("partner", "generic"),
    "weibo": ("file", "weibo"),
    "short-video": ("file", "generic"),
    "hotline-manual": ("manual", None),
}
GENERIC_COLUMNS = (
    "编号",
    "作者",
    "标题",
    "正文",
    "发布时间",
    "点赞数",
    "转发数",
    "评论数",
    "阅读数",
)


def officer_email(username: str) -> str:
    return f"{username}@units.qinglan.example"


class DemoSite:
    """Every page and file of the demo's outside world, built from a scenario."""

    def __init__(self, scenario: Scenario, folder: Path) -> None:
        self.folder = folder
        self.pages: dict[str, tuple[str, bytes]] = {
            "/robots.txt": ("text/plain", b"User-agent: *\n")
        }
        by_source: dict[str, list[DemoItem]] = {key: [] for key in CHANNELS}
        for item in scenario.items():
            by_source.setdefault(item.source_key, []).append(item)
        self.items = by_source
        self.names = {s.key: s.name for s in scenario.sources}
        for key, (kind, _preset) in CHANNELS.items():
            if kind == "rss":
                self.pages[f"/feeds/{key}.xml"] = (
                    "application/rss+xml",
                    rss(self.names[key], by_source[key]),
                )
            elif kind == "web":
                self._add_site(key, by_source[key])
            elif kind == "partner":
                self.pages[f"/partner/{key}.jsonl"] = (
                    "application/x-ndjson",
                    generic_jsonl(by_source[key]),
                )
        folder.mkdir(parents=True, exist_ok=True)
        write_weibo_jsonl(folder / "weibo-export.jsonl", by_source["weibo"])
        write_generic_csv(folder / "short-video-export.csv", by_source["short-video"])
        write_mail_folder(folder / "mail", scenario.field_reports)

    def _add_site(self, key: str, items: list[DemoItem]) -> None:
        links = []
        for item in reversed(items):
            path = f"/web/{key}/{item.index}.html"
            self.pages[path] = ("text/html; charset=utf-8", article_page(self.names[key], item))
            links.append(f'<li><a href="{path}">{escape(item.title or item.body[:30])}</a></li>')
        listing = (
            f"<html><head><title>{escape(self.names[key])}</title></head><body>"
            f"<h1>{escape(self.names[key])}</h1><ul class='news'>{''.join(links)}</ul>"
            "<p><a href='/about.html'>关于我们</a></p></body></html>"
        )
        self.pages[f"/web/{key}/"] = ("text/html; charset=utf-8", listing.encode("utf-8"))

    def source_url(self, base: str, key: str) -> str | None:
        kind, _preset = CHANNELS[key]
        return {
            "rss": f"{base}/feeds/{key}.xml",
            "web": f"{base}/web/{key}/",
            "partner": f"{base}/partner/{key}.jsonl",
        }.get(kind)

    def export_path(self, key: str) -> Path | None:
        return {
            "weibo": self.folder / "weibo-export.jsonl",
            "short-video": self.folder / "short-video-export.csv",
        }.get(key)

    def serve(self) -> tuple[ThreadingHTTPServer, str]:
        """Serve the pages on a free port of 127.0.0.1 in a background thread."""
        pages = self.pages

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                found = pages.get(self.path.split("?")[0])
                if found is None:
                    self.send_error(404)
                    return
                content_type, body = found
                self.send_response(200)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                return  # the demo's console is for the desk, not for access logs

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=server.serve_forever, name="demo-feeds", daemon=True).start()
        return server, f"http://127.0.0.1:{server.server_address[1]}"


def rss(title: str, items: Iterable[DemoItem]) -> bytes:
    entries = []
    for item in items:
        entries.append(
            "<item>"
            f"<title>{xml_escape(item.title or '')}</title>"
            f"<link>{xml_escape(item.url or '')}</link>"
            f"<guid>{xml_escape(item.url or str(item.index))}</guid>"
            f"<pubDate>{format_datetime(item.published_at)}</pubDate>"
            f"<description>{xml_escape(item.body[:80])}</description>"
            f"<content:encoded>{xml_escape(_paragraphs(item.body))}</content:encoded>"
            "</item>"
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?>'
        '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">'
        f"<channel><title>{xml_escape(title)}</title><link>http://127.0.0.1/</link>"
        f"<description>{xml_escape(title)}</description>{''.join(entries)}</channel></rss>"
    ).encode()


def _paragraphs(body: str) -> str:
    return "".join(f"<p>{escape(line)}</p>" for line in body.split("\n") if line.strip())


def article_page(site: str, item: DemoItem) -> bytes:
    published = item.published_at.isoformat()
    return (
        "<!doctype html><html lang='zh-CN'><head><meta charset='utf-8'>"
        f"<title>{escape(item.title or '')} - {escape(site)}</title>"
        f"<meta property='article:published_time' content='{published}'>"
        f"<meta name='author' content='{escape(item.author or site)}'></head><body>"
        f"<nav><a href='/'>首页</a> | <a href='/about.html'>关于</a></nav>"
        f"<article><h1>{escape(item.title or '')}</h1><p class='time'>{published[:10]}</p>"
        f"{_paragraphs(item.body)}</article>"
        f"<footer>{escape(site)} 版权所有</footer></body></html>"
    ).encode()


def _generic_row(item: DemoItem) -> dict[str, object]:
    return {
        "编号": item.platform_id,
        "作者": item.author,
        "标题": item.title,
        "正文": item.body,
        "发布时间": item.published_at.isoformat(),
        "点赞数": item.likes,
        "转发数": item.reposts,
        "评论数": item.comments,
        "阅读数": item.views,
    }


def generic_jsonl(items: Iterable[DemoItem]) -> bytes:
    lines = (json.dumps(_generic_row(i), ensure_ascii=False) for i in items)
    return ("\n".join(lines) + "\n").encode("utf-8")


def write_weibo_jsonl(path: Path, items: Iterable[DemoItem]) -> None:
    with path.open("w", encoding="utf-8") as out:
        for item in items:
            row = {
                "微博id": item.platform_id,
                "用户昵称": item.author,
                "微博正文": item.body,
                "发布时间": item.published_at.isoformat(),
                "转发数": item.reposts,
                "评论数": item.comments,
                "点赞数": item.likes,
                "阅读数": item.views,
            }
            out.write(json.dumps(row, ensure_ascii=False) + "\n")


def write_generic_csv(path: Path, items: Iterable[DemoItem]) -> None:
    # utf-8-sig, as Excel writes and expects Chinese CSV
    with path.open("w", encoding="utf-8-sig", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=GENERIC_COLUMNS)
        writer.writeheader()
        for item in items:
            writer.writerow(_generic_row(item))


def write_mail_folder(folder: Path, reports: Iterable[DemoFieldReport]) -> None:
    """One .eml per field report, as officers' mail clients would send them."""
    folder.mkdir(parents=True, exist_ok=True)
    for number, report in enumerate(reports, start=1):
        message = EmailMessage()
        message["From"] = officer_email(report.officer_username)
        message["To"] = "yuqing-desk@qinglan.example"
        message["Date"] = format_datetime(report.submitted_at)
        message["Message-ID"] = f"<report-{number}-{report.unit_key}@units.qinglan.example>"
        if report.is_zero:
            message["Subject"] = f"{report.report_date.isoformat()} 今日无情况"
            message.set_content("今日无情况。")
        else:
            message["Subject"] = f"【社会舆情信息】{report.report_date.isoformat()} {report.title}"
            lines = [
                f"类别：{report.category}",
                f"紧急程度：{report.urgency}",
                "",
                report.body or "",
            ]
            # Some county mail clients still send GB18030.
            charset = "gb18030" if number % 5 == 0 else "utf-8"
            message.set_content("\n".join(lines), charset=charset)
        (folder / f"{number:05d}.eml").write_bytes(bytes(message))
