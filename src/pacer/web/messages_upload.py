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
    "nav.import_figures": ("数据导入", "Import figures"),
    "imports.title": ("导入月度数据", "Import monthly figures"),
    "imports.choose": ("选择文件", "Choose the file"),
    "imports.what_csv": ("逗号分隔文件，各列为", "A CSV file with the columns"),
    "imports.what_rest": (
        "；或填好的数据模板（每个单位一个工作表）。整个文件作为一次导入：任何问题都不会保存任何内容，并指明工作表和单元格。",
        "; or a filled figures template (a sheet per unit). The whole file is one import: any problem "
        "stores nothing and is named by sheet and cell.",
    ),
    "imports.background": (
        "导入在后台进行，页面显示进度和结果。文件上限 {limit}。",
        "The import runs in the background; its page shows the progress and the result. Files up to {limit}.",
    ),
    "imports.file": ("文件", "File"),
    "imports.start": ("开始导入", "Start the import"),
    "imports.refused": ("文件未导入：", "The file was not imported:"),
}
