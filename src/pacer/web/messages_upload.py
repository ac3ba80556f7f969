"""Interface strings of a monthly template's upload."""

UPLOAD_MESSAGES: dict[str, tuple[str, str]] = {
    "upload.title": ("上传未保存", "Upload not saved"),
    "upload.heading": ("上传未保存：{unit} {month} 月报", "Upload not saved: {unit}'s report for {month}"),
    "upload.summary": (
        "{source}：{count} 个问题，未保存任何内容。请改正后重新上传。",
        "{source}: {count} problem(s); nothing was stored. Correct them and upload again.",
    ),
    "upload.more": ("另有 {count} 个问题未列出。", "{count} more problem(s) not listed."),
    "upload.sheet": ("工作表", "Sheet"),
    "upload.cell": ("单元格", "Cell"),
    "upload.problem": ("问题", "Problem"),
    "upload.again": ("重新上传", "Upload again"),
    "upload.file": ("填好的模板（.xlsx）", "The filled template (.xlsx)"),
    "upload.send": ("上传", "Upload"),
    "upload.template": ("下载本月模板", "Download this month's template"),
    "upload.back": ("返回本月报送", "Back to the month's report"),
}
