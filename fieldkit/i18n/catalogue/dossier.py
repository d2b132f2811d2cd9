"""Messages for key-person dossiers (fieldkit/core/dossier.py, fieldkit/cli/dossier.py).

Never a name, ID number, phone or category in a message: dossier ids, row numbers, column names,
counts and village codes only.
"""

MESSAGES = {
    # ---------------------------------------------------------------- opening a dossier
    "dossier.no_key": {
        "zh": "档案 {dossier} 不是加密给本机或本密钥的，无法打开。只有录入它的笔记本和乡镇档案密钥持有人能查看。",
        "en": "dossier {dossier} is not encrypted to this computer or key; only the laptop that recorded it and the township dossier key holder can open it.",
    },
    "dossier.damaged": {
        "zh": "档案 {dossier} 的密文已损坏或被改动，无法打开。请向乡镇报告此档案编号。",
        "en": "the ciphertext of dossier {dossier} is damaged or was altered and cannot be opened. Report this dossier id to the township.",
    },
    "dossier.unsupported_format": {
        "zh": "档案 {dossier} 是更新版本的格式（{format}），请升级 fieldkit 后再查看。",
        "en": "dossier {dossier} uses a newer format ({format}); upgrade fieldkit to open it.",
    },
    "dossier.moved.dossier": {
        "zh": "档案 {dossier} 里装的是另一份档案的密文（被挪用或篡改），已拒绝。请向乡镇报告此档案编号。",
        "en": "dossier {dossier} carries the ciphertext of another dossier (moved or tampered with); refused. Report this dossier id to the township.",
    },
    "dossier.moved.version": {
        "zh": "档案 {dossier} 的密文属于另一个版本（被挪用或篡改），已拒绝。请向乡镇报告此档案编号。",
        "en": "dossier {dossier} carries the ciphertext of another version (moved or tampered with); refused. Report this dossier id to the township.",
    },
    "dossier.moved.village": {
        "zh": "档案 {dossier} 的密文属于另一个村（被挪用或篡改），已拒绝。请向乡镇报告此档案编号。",
        "en": "dossier {dossier} carries the ciphertext of another village (moved or tampered with); refused. Report this dossier id to the township.",
    },
    # ---------------------------------------------------------------- laptop setup
    "dossier.no_township": {
        "zh": "本机还不知道乡镇的档案公钥：请先导入乡镇下发的配置包（fieldkit device import-kit）。",
        "en": "this laptop does not know the township's dossier key yet: import the kit from the township first (fieldkit device import-kit).",
    },
    "dossier.not_enrolled": {
        "zh": "本机尚未登记到任何村，不能建立档案。请先导入乡镇下发的配置包（fieldkit device import-kit）。",
        "en": "this laptop is not enrolled in a village and cannot record dossiers. Import the kit from the township first (fieldkit device import-kit).",
    },
    "dossier.bad_form": {
        "zh": "表单 {form} 不是重点人员档案表（须含 人员类别、姓名、公民身份号码），不能用于导入档案。",
        "en": "form {form} is not a key-person dossier form (it needs category, name and ID number); it cannot be used to import dossiers.",
    },
    # ---------------------------------------------------------------- sheet import
    "dossier.refused": {
        "zh": "档案表有 {count} 处问题（涉及 {rows} 行），未导入任何档案。请改正后重新导入，或加 --skip-bad-rows 跳过有问题的行。",
        "en": "the dossier sheet has {count} problems on {rows} rows; no dossier was imported. Fix them and import again, or pass --skip-bad-rows to leave those rows out.",
    },
    "dossier.missing_columns": {
        "zh": "档案表缺少必需的列：{columns}（表头在第 {row} 行）。可用 fieldkit dossier template 生成空白表。",
        "en": "the dossier sheet lacks required columns: {columns} (header on row {row}). A blank sheet can be made with fieldkit dossier template.",
    },
    "dossier.duplicate_column": {
        "zh": "档案表表头（第 {row} 行）中“{column}”对应的列出现了两次。请删除其中一列。",
        "en": "the dossier sheet header (row {row}) has the column \"{column}\" twice. Remove one of them.",
    },
    "dossier.problem.unknown_category": {
        "zh": "“{column}”不在可选类别中（可填：{allowed}）。",
        "en": "\"{column}\" is not a known category (use one of: {allowed}).",
    },
    "dossier.problem.unknown_choice": {
        "zh": "“{column}”不在选项中（可填：{allowed}）。",
        "en": "\"{column}\" is not one of the choices ({allowed}).",
    },
    "dossier.problem.id_number_as_number": {
        "zh": "“{column}”被表格存成了数字，末几位已丢失。请把该列设为“文本”格式后重新填写。",
        "en": "\"{column}\" was stored as a number by the spreadsheet and lost its last digits. Format the column as text and type it again.",
    },
    "dossier.problem.not_yes_no": {"zh": "“{column}”应填 是 或 否。", "en": "\"{column}\" must be 是 (yes) or 否 (no)."},
    "dossier.problem.not_number": {"zh": "“{column}”应为整数。", "en": "\"{column}\" must be a whole number."},
    "dossier.problem.bad_date": {
        "zh": "“{column}”应为日期（如 2026-11-20）。",
        "en": "\"{column}\" must be a date (e.g. 2026-11-20).",
    },
    "dossier.problem.duplicate_id_number": {
        "zh": "公民身份号码与第 {first_row} 行重复：同一人只建一份档案。",
        "en": "the ID number repeats row {first_row}: one dossier per person.",
    },
    "dossier.problem.several_existing": {
        "zh": "本机已有 {count} 份档案是同一公民身份号码，无法判断更新哪一份。请在录入界面中处理。",
        "en": "this laptop already has {count} dossiers with this ID number and cannot tell which to update. Resolve it in the field app.",
    },
    # ---------------------------------------------------------------- township key
    "dossier.key_missing": {
        "zh": "找不到档案密钥文件 {path}。请插入保存档案密钥的 U 盘，并用 --key 指定文件。",
        "en": "dossier key file {path} not found. Insert the stick holding the dossier key and name the file with --key.",
    },
    "dossier.key_incomplete": {
        "zh": "{path} 不是档案密钥文件（里面没有档案密钥）。",
        "en": "{path} is not a dossier key file (it holds no dossier key).",
    },
    "dossier.key_wrong": {
        "zh": "{path} 中的档案密钥不是本乡镇的档案密钥，无法打开本乡镇的档案。",
        "en": "the dossier key in {path} is not this township's dossier key; it cannot open this township's dossiers.",
    },
    "dossier.unknown": {
        "zh": "没有编号以 {dossier} 开头的档案。请用 fieldkit township dossiers 查看编号。",
        "en": "no dossier id starts with {dossier}. List the ids with fieldkit township dossiers.",
    },
    "dossier.ambiguous": {
        "zh": "有 {count} 份档案的编号以 {dossier} 开头，请多输入几位。",
        "en": "{count} dossier ids start with {dossier}; type more of the id.",
    },
    # ---------------------------------------------------------------- CLI: laptop
    "dossier.cli.help": {
        "zh": "重点人员档案（一人一档，加密保存）",
        "en": "key-person dossiers (one person, one file; encrypted)",
    },
    "dossier.cli.import.help": {"zh": "从表格导入档案（补录）", "en": "import dossiers typed into a spreadsheet"},
    "dossier.cli.import.description": {
        "zh": "读取档案表（CSV 或 XLSX，列名同档案表单：人员类别、姓名、公民身份号码……），按表单逐行检查，列出每处问题及行号；"
        "有问题时不写入任何档案，除非加 --skip-bad-rows。每份档案加密给乡镇档案密钥和本机，明文中只有档案编号、村和时间。"
        "公民身份号码与本机已有档案相同的行视为更新（整份替换）；内容相同则不重复记录。",
        "en": "reads a dossier sheet (CSV or XLSX, columns named like the dossier form: category, name, ID number, ...), checks "
        "every row against the form and lists each problem with its row; writes nothing while there are problems unless "
        "--skip-bad-rows. Each dossier is encrypted to the township dossier key and this laptop; only its id, village and "
        "times are in clear. A row with the ID number of a dossier already on this laptop updates it (full replacement); "
        "an identical row records nothing.",
    },
    "dossier.cli.opt.file": {"zh": "档案表文件（CSV 或 XLSX）", "en": "dossier sheet (CSV or XLSX)"},
    "dossier.cli.opt.skip_bad_rows": {
        "zh": "跳过有问题的行，导入其余的行",
        "en": "leave out the rows with problems and import the rest",
    },
    "dossier.cli.opt.dry_run": {"zh": "只检查，不写入", "en": "check only, write nothing"},
    "dossier.cli.ignored_columns": {
        "zh": "未识别的列（已忽略）：{columns}",
        "en": "columns not recognised (ignored): {columns}",
    },
    "dossier.cli.progress": {"zh": "加密并保存档案", "en": "encrypting and saving dossiers"},
    "dossier.cli.import.done": {
        "zh": "档案已导入：新建 {new} 份，更新 {updated} 份，未变 {unchanged} 份。",
        "en": "dossiers imported: {new} new, {updated} updated, {unchanged} unchanged.",
    },
    "dossier.cli.import.dry_run": {
        "zh": "检查完毕（未写入）：将新建 {new} 份，更新 {updated} 份，未变 {unchanged} 份。",
        "en": "checked, nothing written: {new} would be new, {updated} updated, {unchanged} unchanged.",
    },
    "dossier.cli.import.skipped": {
        "zh": "已跳过 {rows} 行有问题的数据（见上），请改正后再次导入。",
        "en": "{rows} rows with problems were left out (see above); fix them and import again.",
    },
    "dossier.cli.list.help": {"zh": "列出本机录入的档案", "en": "list the dossiers recorded on this laptop"},
    "dossier.cli.list.description": {
        "zh": "用本机密钥解密并列出本机录入的档案；公民身份号码只显示前 4 位和后 4 位。",
        "en": "decrypts with this laptop's key and lists the dossiers it recorded; ID numbers show only their first and last 4 characters.",
    },
    "dossier.cli.list.none": {"zh": "本机还没有档案。", "en": "no dossiers on this laptop yet."},
    "dossier.cli.list.locked": {
        "zh": "另有 {count} 份本村档案由其他笔记本录入，本机无法查看。",
        "en": "{count} more dossiers of this village were recorded on other laptops and cannot be read here.",
    },
    "dossier.cli.list.count": {"zh": "共 {count} 份档案。", "en": "{count} dossiers."},
    "dossier.cli.conflict_note": {
        "zh": "! 表示该档案在两台设备上被同时修改，需乡镇处理；显示的是较新的版本。",
        "en": "! marks a dossier edited on two devices at once; the township must resolve it. The newer version is shown.",
    },
    "dossier.cli.template.help": {"zh": "生成空白档案表", "en": "write a blank dossier sheet"},
    "dossier.cli.template.description": {
        "zh": "生成列名与档案表单一致的空白表（.xlsx 或 CSV），供录入后用 dossier import 导入。",
        "en": "writes a blank sheet (.xlsx or CSV) with the dossier form's columns, to fill in and bring back with dossier import.",
    },
    "dossier.cli.opt.out": {"zh": "输出文件（.xlsx 或 .csv）", "en": "output file (.xlsx or .csv)"},
    "dossier.cli.template.done": {"zh": "已生成空白档案表：{path}", "en": "blank dossier sheet written: {path}"},
    "dossier.cli.col.id": {"zh": "编号", "en": "id"},
    "dossier.cli.col.village": {"zh": "村", "en": "village"},
    "dossier.cli.col.name": {"zh": "姓名", "en": "name"},
    "dossier.cli.col.category": {"zh": "类别", "en": "category"},
    "dossier.cli.col.id_number": {"zh": "公民身份号码", "en": "ID number"},
    "dossier.cli.col.version": {"zh": "版本", "en": "ver."},
    "dossier.cli.col.updated": {"zh": "更新", "en": "updated"},
    # ---------------------------------------------------------------- CLI: township
    "dossier.cli.township.help": {
        "zh": "查看重点人员档案（需档案密钥）",
        "en": "read key-person dossiers (needs the dossier key)",
    },
    "dossier.cli.township.description": {
        "zh": "用单独的档案密钥（dossier-key.age，口令取 FIELDKIT_DOSSIER_PASSPHRASE，未设时取 FIELDKIT_PASSPHRASE）解密全乡镇的档案。"
        "不带 --show 时列出档案（公民身份号码部分隐藏）；--show 编号 显示一份档案的全部内容。",
        "en": "decrypts the township's dossiers with the separate dossier key (dossier-key.age; passphrase from "
        "FIELDKIT_DOSSIER_PASSPHRASE, else FIELDKIT_PASSPHRASE). Without --show it lists them (ID numbers partly hidden); "
        "--show ID prints one dossier in full.",
    },
    "dossier.cli.opt.key": {
        "zh": "档案密钥文件（默认：工作目录中的 dossier-key.age）",
        "en": "dossier key file (default: dossier-key.age in the workspace)",
    },
    "dossier.cli.opt.village": {"zh": "只看这个村（12 位村代码）", "en": "only this village (12-digit code)"},
    "dossier.cli.opt.show": {"zh": "显示这份档案的全部内容（编号或其开头几位）", "en": "print this dossier in full (its id or the start of it)"},
    "dossier.cli.passphrase": {"zh": "请输入档案密钥口令：", "en": "Dossier key passphrase:"},
    "dossier.cli.township.none": {"zh": "还没有档案。", "en": "no dossiers yet."},
    "dossier.cli.township.failed": {
        "zh": "有 {count} 份档案无法打开（见上），请核查。",
        "en": "{count} dossiers could not be opened (see above); investigate.",
    },
    "dossier.cli.show.title": {"zh": "档案 {dossier}", "en": "dossier {dossier}"},
    "dossier.cli.show.village": {"zh": "村：{village}（{code}）", "en": "village: {village} ({code})"},
    "dossier.cli.show.version": {
        "zh": "版本：{version}　建档：{created}　更新：{updated}",
        "en": "version: {version}  created: {created}  updated: {updated}",
    },
    "dossier.cli.show.devices": {"zh": "录入设备：{devices}", "en": "recorded on: {devices}"},
    "dossier.cli.show.form": {"zh": "表单：{form} 第 {version} 版", "en": "form: {form} version {version}"},
    "dossier.cli.show.conflict": {
        "zh": "此档案在多台设备上被同时修改，共 {count} 个版本并存，依次列出（最后一个为当前显示的版本）：",
        "en": "this dossier was edited on several devices at once; {count} versions stand side by side, listed in order (the last is the one shown):",
    },
    "dossier.cli.show.head": {
        "zh": "—— 版本 {version}（{time}）",
        "en": "-- version {version} ({time})",
    },
}
