"""Messages for spreadsheet reading (tables.*), roster import (roster.*) and visit import (visit_import.*).

Row problems never quote the cell: the row number and the column say where to look.
"""

MESSAGES = {
    # ---------------------------------------------------------------- tables (fieldkit/core/tables.py)
    "tables.row": {"zh": "第 {row} 行：{problem}", "en": "row {row}: {problem}"},
    "tables.xls_unsupported": {
        "zh": "{path} 是旧版 Excel（.xls）文件，无法读取。请在 Excel/WPS 中另存为 .xlsx 或 CSV 后重试。",
        "en": "{path} is an old Excel (.xls) file and cannot be read. Save it as .xlsx or CSV in Excel/WPS and try again.",
    },
    "tables.bad_xlsx": {
        "zh": "{path} 不是有效的 .xlsx 文件（可能已损坏）。请在 Excel/WPS 中重新另存为 .xlsx 或 CSV。",
        "en": "{path} is not a valid .xlsx file (it may be damaged). Save it again as .xlsx or CSV in Excel/WPS.",
    },
    "tables.bad_encoding": {
        "zh": "{path} 的文字编码无法识别（既不是 UTF-8 也不是 GB18030/GBK）。请另存为“CSV UTF-8”或 .xlsx。",
        "en": "cannot tell the text encoding of {path} (neither UTF-8 nor GB18030/GBK). Save it as \"CSV UTF-8\" or .xlsx.",
    },
    "tables.bad_csv": {
        "zh": "{path} 第 {row} 行附近不是有效的 CSV（引号不配对或含二进制内容）。请在 Excel/WPS 中重新另存为 CSV。",
        "en": "{path} is not valid CSV near row {row} (unbalanced quotes or binary content). Save it again as CSV in Excel/WPS.",
    },
    "tables.too_large": {
        "zh": "{path} 超过 {limit} 行，已拒绝。请拆分文件后分别导入。",
        "en": "{path} has more than {limit} rows; refused. Split the file and import the parts.",
    },
    "tables.file_too_big": {
        "zh": "{path} 超过 {limit_mb} MB，不像是表格文件，已拒绝。请检查选择的文件。",
        "en": "{path} is larger than {limit_mb} MB and does not look like a spreadsheet; refused. Check the file you chose.",
    },
    "tables.no_header": {
        "zh": "{path} 中找不到表头行。请确认第一行（或标题下一行）是列名，如“村、户编号、姓名”。",
        "en": "no header row found in {path}. The first row (or the one below a title) must name the columns, e.g. 村, 户编号, 姓名.",
    },
    # ---------------------------------------------------------------- roster (fieldkit/core/roster.py)
    "roster.missing_columns": {
        "zh": "花名册缺少必需的列：{columns}（表头在第 {row} 行）。请补上这些列后重试。",
        "en": "the roster lacks required columns: {columns} (header on row {row}). Add them and try again.",
    },
    "roster.duplicate_column": {
        "zh": "花名册表头（第 {row} 行）中“{column}”列出现了两次。请删除或改名其中一列。",
        "en": "the roster header (row {row}) has the column \"{column}\" twice. Remove or rename one of them.",
    },
    "roster.refused": {
        "zh": "花名册有 {count} 处问题（涉及 {rows} 行），未导入任何数据。请改正后重新导入，或加 --skip-bad-rows 跳过这些行。",
        "en": "the roster has {count} problems on {rows} rows; nothing was imported. Fix them and import again, or pass --skip-bad-rows to leave those rows out.",
    },
    "roster.bad_township_code": {
        "zh": "乡镇代码“{code}”无效：应为 9 位数字（县 6 位 + 乡镇 3 位）。",
        "en": "township code \"{code}\" is invalid: it must be 9 digits (county 6 + township 3).",
    },
    "roster.bad_village_code": {
        "zh": "村代码“{code}”无效：应为 12 位数字（乡镇 9 位 + 村 3 位）。",
        "en": "village code \"{code}\" is invalid: it must be 12 digits (township 9 + village 3).",
    },
    "roster.village_code_outside": {
        "zh": "村代码 {code} 不属于本乡镇 {township}。请检查村代码。",
        "en": "village code {code} is not in this township ({township}). Check the village code.",
    },
    "roster.village_code_mismatch": {
        "zh": "村“{village}”已登记为 {existing}，不能改为 {code}。请去掉该村的代码指定。",
        "en": "village \"{village}\" is already registered as {existing} and cannot become {code}. Drop the code given for it.",
    },
    "roster.village_code_taken": {
        "zh": "村代码 {code} 已被另一个村使用，不能给“{village}”。请换一个代码。",
        "en": "village code {code} already belongs to another village, not to \"{village}\". Choose another code.",
    },
    "roster.no_village_code": {
        "zh": "乡镇 {township} 下已没有空闲的村代码（001–999 已用完）。请为新村指定代码。",
        "en": "no free village code left under township {township} (001–999 all used). Give the new villages codes.",
    },
    "roster.problem.missing_village": {"zh": "缺少“村”。", "en": "the village (村) is missing."},
    "roster.problem.missing_household_no": {"zh": "缺少“户编号”。", "en": "the household number (户编号) is missing."},
    "roster.problem.bad_household_no": {
        "zh": "“户编号”只能包含数字、字母、- 和 _（最多 20 位）。",
        "en": "the household number (户编号) may hold only digits, letters, - and _ (20 at most).",
    },
    "roster.problem.missing_name": {"zh": "缺少“姓名”。", "en": "the name (姓名) is missing."},
    "roster.problem.bad_name": {
        "zh": "“姓名”含数字或过长，可能填错了列。",
        "en": "the name (姓名) contains digits or is too long; it may be in the wrong column.",
    },
    "roster.problem.missing_sex": {"zh": "缺少“性别”（填 男 或 女）。", "en": "the sex (性别) is missing (男 or 女)."},
    "roster.problem.bad_sex": {"zh": "“性别”无法识别（填 男 或 女）。", "en": "the sex (性别) is not recognised (use 男 or 女)."},
    "roster.problem.missing_birth_year": {
        "zh": "缺少“出生年份”。",
        "en": "the birth year (出生年份) is missing.",
    },
    "roster.problem.bad_birth_year": {
        "zh": "“出生年份”无法识别（填四位年份，如 1965，或日期 1965-03-02）。",
        "en": "the birth year (出生年份) is not readable (write a 4-digit year such as 1965, or a date 1965-03-02).",
    },
    "roster.problem.impossible_birth_year": {
        "zh": "“出生年份”不可能（应在 {earliest} 到 {latest} 之间）。",
        "en": "the birth year (出生年份) is impossible (it must be between {earliest} and {latest}).",
    },
    "roster.problem.bad_phone": {
        "zh": "“联系电话”不是有效号码（手机 11 位，或带区号的固话；若显示为 1.76E+10，请把该列设为文本后重新填写）。",
        "en": "the phone (联系电话) is not a valid number (11-digit mobile or landline with area code; if it shows as 1.76E+10, format the column as text and re-enter it).",
    },
    "roster.problem.unknown_residence": {
        "zh": "“居住状态”无法识别（可填：常住、外出务工、在校就读、空挂）。",
        "en": "the residence status (居住状态) is not recognised (use 常住, 外出务工, 在校就读 or 空挂).",
    },
    "roster.problem.address_conflict": {
        "zh": "同一户编号的“门牌地址”与第 {first_row} 行不一致。请统一地址，或检查户编号。",
        "en": "the address (门牌地址) differs from row {first_row} for the same household number. Make them agree, or check the household number.",
    },
    "roster.problem.group_conflict": {
        "zh": "同一户编号的“村民小组”与第 {first_row} 行不一致。",
        "en": "the group (村民小组) differs from row {first_row} for the same household number.",
    },
    "roster.problem.duplicate_person": {
        "zh": "与第 {first_row} 行是同一户中同名同年出生的人，重复登记。",
        "en": "the same person (name and birth year) as row {first_row} in the same household: listed twice.",
    },
    # fix kinds, for the import summary ("自动修正：…")
    "roster.fix.fullwidth": {"zh": "全角字符 {count} 处", "en": "{count} full-width characters"},
    "roster.fix.spaces": {"zh": "多余空格 {count} 处", "en": "{count} stray spaces"},
    "roster.fix.phone": {"zh": "电话格式 {count} 处", "en": "{count} phone formats"},
    "roster.fix.birth_date": {"zh": "出生日期取年份 {count} 处", "en": "{count} birth dates reduced to the year"},
    "roster.fix.blank_row": {"zh": "空行 {count} 行（已跳过）", "en": "{count} blank rows (skipped)"},
    "roster.fix.filled_down": {"zh": "合并单元格向下填充 {count} 行", "en": "{count} rows filled down from merged cells"},
    "roster.fix.residence_default": {
        "zh": "居住状态空白按“常住” {count} 处",
        "en": "{count} blank residence statuses taken as 常住 (resident)",
    },
    "roster.fixes": {"zh": "已自动修正：{fixes}。", "en": "normalised: {fixes}."},
    # plan counts, for the import summary
    "roster.count.villages_new": {"zh": "新增村 {count} 个", "en": "{count} new villages"},
    "roster.count.households_new": {"zh": "新增户 {count} 户", "en": "{count} new households"},
    "roster.count.households_changed": {"zh": "变更户 {count} 户", "en": "{count} households changed"},
    "roster.count.households_moved_out": {"zh": "整户迁出 {count} 户", "en": "{count} households moved out"},
    "roster.count.persons_new": {"zh": "新增人员 {count} 人", "en": "{count} new persons"},
    "roster.count.persons_changed": {"zh": "信息变更 {count} 人", "en": "{count} persons changed"},
    "roster.count.persons_moved_out": {"zh": "迁出 {count} 人", "en": "{count} persons moved out"},
    "roster.count.persons_unchanged": {"zh": "无变化 {count} 人", "en": "{count} persons unchanged"},
    "roster.count.persons_deceased_listed": {
        "zh": "已登记死亡但仍在名册中 {count} 人（未改动）",
        "en": "{count} persons recorded as deceased but still listed (left unchanged)",
    },
    "roster.count.rows_skipped": {"zh": "跳过问题行 {count} 行", "en": "{count} rows with problems skipped"},
    # ---------------------------------------------------------- visit import (fieldkit/core/visit_import.py)
    "visit_import.refused": {
        "zh": "补录表有 {count} 处问题（涉及 {rows} 行），未导入任何走访。请改正后重新导入，或加 --skip-bad-rows 跳过有问题的走访。",
        "en": "the visit sheet has {count} problems on {rows} rows; no visit was imported. Fix them and import again, or pass --skip-bad-rows to leave those visits out.",
    },
    "visit_import.bad_form": {
        "zh": "表单 {form} 不是入户走访表（没有逐人问题），不能用于补录走访。",
        "en": "form {form} is not a household visit form (no per-member questions); it cannot be used to import visits.",
    },
    "visit_import.missing_columns": {
        "zh": "补录表缺少必需的列：{columns}（表头在第 {row} 行）。可用 visit template 生成空白表。",
        "en": "the visit sheet lacks required columns: {columns} (header on row {row}). A blank sheet can be made with visit template.",
    },
    "visit_import.duplicate_column": {
        "zh": "补录表表头（第 {row} 行）中“{column}”对应的列出现了两次。请删除其中一列。",
        "en": "the visit sheet header (row {row}) has the column \"{column}\" twice. Remove one of them.",
    },
    "visit_import.problem.missing_household_no": {"zh": "缺少“户编号”。", "en": "the household number (户编号) is missing."},
    "visit_import.problem.unknown_village": {
        "zh": "“村”不在花名册中。请检查村名，或先导入该村花名册。",
        "en": "the village (村) is not in the roster. Check the name, or import that village's roster first.",
    },
    "visit_import.problem.unknown_household": {
        "zh": "花名册中没有这个户编号。请核对户编号。",
        "en": "no household with this number in the roster. Check the household number (户编号).",
    },
    "visit_import.problem.ambiguous_household": {
        "zh": "多个村都有这个户编号。请加一列“村”注明是哪个村。",
        "en": "several villages have this household number. Add a 村 (village) column to say which.",
    },
    "visit_import.problem.household_moved_out": {
        "zh": "该户已整户迁出，不能登记走访。",
        "en": "this household has moved out; a visit cannot be recorded for it.",
    },
    "visit_import.problem.missing_name": {"zh": "缺少“姓名”。", "en": "the name (姓名) is missing."},
    "visit_import.problem.not_a_member": {
        "zh": "该姓名不是此户的现有成员。请核对姓名和户编号。",
        "en": "this name is not a current member of the household. Check the name and the household number.",
    },
    "visit_import.problem.ambiguous_member": {
        "zh": "此户有同名成员。请加一列“出生年份”区分。",
        "en": "the household has two members of this name. Add a 出生年份 (birth year) column to tell them apart.",
    },
    "visit_import.problem.missing_date": {"zh": "缺少“走访日期”。", "en": "the visit date (走访日期) is missing."},
    "visit_import.problem.bad_date": {
        "zh": "“走访日期”无法识别或过早（格式如 2026-11-20）。",
        "en": "the visit date (走访日期) is unreadable or too early (write it like 2026-11-20).",
    },
    "visit_import.problem.future_date": {
        "zh": "“走访日期”晚于今天。请核对日期（也请检查电脑时间）。",
        "en": "the visit date (走访日期) is after today. Check the date (and the computer's clock).",
    },
    "visit_import.problem.missing_cadre": {"zh": "缺少“走访人”。", "en": "the cadre (走访人) is missing."},
    "visit_import.problem.not_yes_no": {"zh": "“{column}”应填 是 或 否。", "en": "\"{column}\" must be 是 (yes) or 否 (no)."},
    "visit_import.problem.not_number": {"zh": "“{column}”应为整数。", "en": "\"{column}\" must be a whole number."},
    "visit_import.problem.unknown_channel": {
        "zh": "“{column}”无法识别（可填：面对面、电话、微信、视频）。",
        "en": "\"{column}\" is not recognised (use 面对面, 电话, 微信 or 视频).",
    },
    "visit_import.problem.unknown_choice": {
        "zh": "“{column}”不在选项中。",
        "en": "\"{column}\" is not one of the choices.",
    },
    "visit_import.problem.bad_answer_date": {
        "zh": "“{column}”应为日期（如 2026-11-20）。",
        "en": "\"{column}\" must be a date (e.g. 2026-11-20).",
    },
    "visit_import.problem.duplicate_member": {
        "zh": "同一次走访中此人已在第 {first_row} 行登记。",
        "en": "this person is already listed for the same visit on row {first_row}.",
    },
    "visit_import.problem.answer_conflict": {
        "zh": "同一次走访的“{column}”与第 {first_row} 行不一致。",
        "en": "\"{column}\" differs from row {first_row} for the same visit.",
    },
}
