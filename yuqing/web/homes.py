"""Where each role lands after login, and the one-line notices a page shows after a save."""

from __future__ import annotations

from yuqing.store.models import Role
from yuqing.web.security import Principal

# The first matching role decides; an admin's home is the settings.
HOMES: tuple[tuple[Role, str], ...] = (
    (Role.ADMIN, "/admin"),
    (Role.SIGNER, "/reports?status=awaiting"),  # a signer who also edits signs first
    (Role.ANALYST, "/triage"),
    (Role.EDITOR, "/triage"),
    (Role.OFFICER, "/my/unit"),
    (Role.RESPONDER, "/my/cases"),
)

# ``?saved=<key>`` on a redirect after a write names what was saved.
SAVED: dict[str, str] = {
    "report": "已报送，感谢！本单位今日报送已记录。",
    "zero": "已报送“今日无情况”。",
    "duplicate": "这条报送刚才已经提交过，没有重复报送。",
    "tally": "统计已保存。",
    "ack": "已签收通知。",
    "done": "已报告完成情况。",
    "reply": "回复已提交，等待研判室审阅。",
    "user": "账号已保存。",
    "password": "密码已重置，请把新密码当面或电话告知本人。",
    "rule": "监测规则已保存。",
    "queue_done": "队列里没有其他可研判的信息了。",
}


def home_for(user: Principal) -> str:
    """The page a user starts on: their role's own work."""
    for role, path in HOMES:
        if role in user.roles:
            return path
    return "/login"
