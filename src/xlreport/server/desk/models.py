"""What the desk stores: units, accounts, stored files, every version of every report, the action log.

Every upload is a new `Report` row (a version); nothing is ever deleted or overwritten. A
version's `status` moves 草稿 → 已提交 → 已退回 / 已通过 (the reviewer's side, issue 21);
a returned unit uploads a new version. `Action` records who did what and when.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import User
from django.db import models
from django.utils import timezone


class Unit(models.Model):
    """A reporting agency on the roster (one account each)."""

    name = models.CharField("单位名称", max_length=200, unique=True)
    created = models.DateTimeField("加入时间", default=timezone.now)

    class Meta:
        ordering = ["id"]
        verbose_name = verbose_name_plural = "单位"

    def __str__(self) -> str:
        return self.name


class Account(models.Model):
    """A login's role: a unit's clerk (sees its own unit only) or a reviewer (政务公开办)."""

    UNIT, REVIEWER = "unit", "reviewer"
    ROLES = [(UNIT, "填报单位"), (REVIEWER, "审核人员")]

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="account", verbose_name="用户")
    role = models.CharField("角色", max_length=16, choices=ROLES)
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="accounts",
                             verbose_name="单位")

    class Meta:
        verbose_name = verbose_name_plural = "账号"

    def __str__(self) -> str:
        return f"{self.user.username}（{self.get_role_display()}）"


class StoredFile(models.Model):
    """An uploaded file, stored once by its SHA-256 under the data folder (storage.py)."""

    sha256 = models.CharField("SHA-256", max_length=64, primary_key=True)
    size = models.BigIntegerField("大小（字节）")
    suffix = models.CharField("扩展名", max_length=10)
    stored = models.DateTimeField("保存时间", default=timezone.now)

    class Meta:
        verbose_name = verbose_name_plural = "已保存的文件"

    @property
    def path(self) -> Path:
        from xlreport.server.storage import blob_path

        return blob_path(Path(settings.XLREPORT_DATA), self.sha256, self.suffix)


class Report(models.Model):
    """One uploaded version of a unit's report for a year, its check, and its verdict."""

    DRAFT, SUBMITTED, RETURNED, APPROVED = "draft", "submitted", "returned", "approved"
    STATUSES = [(DRAFT, "草稿"), (SUBMITTED, "已提交"), (RETURNED, "已退回"), (APPROVED, "已通过")]

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="reports", verbose_name="单位")
    year = models.IntegerField("报告年度")
    version = models.IntegerField("版本")  # 1, 2, … per unit and year
    file = models.ForeignKey(StoredFile, on_delete=models.PROTECT, related_name="reports", verbose_name="文件")
    filename = models.CharField("上传时的文件名", max_length=255)
    uploaded_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+",
                                    verbose_name="上传人")
    uploaded_at = models.DateTimeField("上传时间", default=timezone.now)
    agency = models.CharField("报告中的机关名称", max_length=200, blank=True)
    format = models.CharField("格式版本", max_length=8)
    errors = models.IntegerField("错误数")
    warnings = models.IntegerField("提醒数")
    problems = models.JSONField("问题", default=list)  # [{rule, severity, message, cells, place, keys}]
    notices = models.JSONField("说明", default=list)
    status = models.CharField("状态", max_length=16, choices=STATUSES, default=DRAFT)
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    submitted_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                     verbose_name="提交人")
    reviewed_at = models.DateTimeField("审核时间", null=True, blank=True)
    reviewed_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                    verbose_name="审核人")
    comment = models.TextField("审核意见", blank=True)

    class Meta:
        ordering = ["-year", "-version"]
        verbose_name = verbose_name_plural = "报告"
        constraints = [models.UniqueConstraint(fields=["unit", "year", "version"], name="one_version_number")]
        indexes = [models.Index(fields=["year", "status"])]

    @property
    def ok(self) -> bool:
        return self.errors == 0

    def __str__(self) -> str:
        return f"{self.unit.name} {self.year}年 第{self.version}版"


class Action(models.Model):
    """The action log: every login, upload, submission and status change, with who and when."""

    VERBS = [
        ("login", "登录"), ("login-failed", "登录失败"), ("locked", "账号锁定"), ("logout", "退出"),
        ("upload", "上传"), ("submit", "提交"), ("return", "退回"), ("approve", "通过"), ("import", "导入"),
        ("account-created", "创建账号"), ("password-reset", "重置密码"),
    ]

    at = models.DateTimeField("时间", default=timezone.now, db_index=True)
    user = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                             verbose_name="用户")
    username = models.CharField("用户名", max_length=150, blank=True)
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                             verbose_name="单位")
    report = models.ForeignKey(Report, null=True, blank=True, on_delete=models.SET_NULL, related_name="actions",
                               verbose_name="报告")
    verb = models.CharField("操作", max_length=24, choices=VERBS)
    detail = models.TextField("详情", blank=True)
    ip = models.CharField("IP 地址", max_length=64, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = verbose_name_plural = "操作记录"


class LoginThrottle(models.Model):
    """Wrong passwords of one user name: 10 within 15 minutes lock it for 15 minutes."""

    username = models.CharField("用户名", max_length=150, unique=True)
    failures = models.IntegerField("连续错误次数", default=0)
    window_start = models.DateTimeField("首次错误时间", null=True, blank=True)
    locked_until = models.DateTimeField("锁定至", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "登录限制"


class Job(models.Model):
    """One of the reviewer's outputs of a year, built in the background by the serve process's
    worker (desk/jobs.py), one job at a time, oldest first: queued → running → done / failed.

    At most one job of a kind and year is queued (the constraint below): a request finds it, or the
    one running when nothing it reads changed since it started (jobs.start); its result is a stored
    file, written (fsync, rename) before the row that names it is committed."""

    AUDIT, FEEDBACK, PUBLISH = "audit", "feedback", "publish"
    KINDS = [(AUDIT, "审查结果（Excel）"), (FEEDBACK, "审查意见（每单位一份 Word）"), (PUBLISH, "发布包（已通过的报告）")]
    QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
    STATUSES = [(QUEUED, "已排队"), (RUNNING, "正在生成"), (DONE, "已完成"), (FAILED, "失败")]

    kind = models.CharField("内容", max_length=16, choices=KINDS)
    year = models.IntegerField("报告年度")
    status = models.CharField("状态", max_length=16, choices=STATUSES, default=QUEUED)
    message = models.TextField("失败原因", blank=True)
    requested_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                     verbose_name="请求人")
    requested_at = models.DateTimeField("请求时间", default=timezone.now)
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)
    attempts = models.IntegerField("开始次数", default=0)  # a job whose runs the service's end cut off
    file = models.ForeignKey(StoredFile, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                             verbose_name="文件")
    filename = models.CharField("文件名", max_length=255, blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = verbose_name_plural = "生成任务"
        constraints = [models.UniqueConstraint(fields=["kind", "year"], condition=models.Q(status="queued"),
                                               name="one_queued_job")]
        indexes = [models.Index(fields=["status", "id"])]

    @property
    def active(self) -> bool:
        return self.status in (self.QUEUED, self.RUNNING)

    def __str__(self) -> str:
        return f"{self.year}年度{self.get_kind_display()}（{self.get_status_display()}）"
