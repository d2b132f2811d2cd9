"""Messages of the auditor's tools (sync/audit.py, sync/sampling.py, fieldkit audit) and the
progress report (sync/report.py, fieldkit report).

Findings name feeds, seqs, household ids, village codes and counts only, never a person's data.
Every finding message gets {feed}, {seq}, {last}, {household} plus its own params.
"""

MESSAGES = {
    # Severities and units.
    "audit.severity.error": {"zh": "错误", "en": "error"},
    "audit.severity.warning": {"zh": "警告", "en": "warning"},
    "audit.severity.info": {"zh": "提示", "en": "info"},
    "audit.unit.days": {"zh": "{n} 天", "en": "{n} d"},
    "audit.unit.hours": {"zh": "{n} 小时", "en": "{n} h"},
    "audit.unit.minutes": {"zh": "{n} 分钟", "en": "{n} min"},
    # Findings: integrity.
    "audit.finding.chain": {
        "zh": "记录链校验失败：{detail}",
        "en": "the feed does not verify: {detail}",
    },
    "audit.finding.unknown_device": {
        "zh": "{count} 条记录来自未登记的设备（没有 device.enroll）；这些记录不可信。",
        "en": "{count} entries come from a device that was never enrolled (no device.enroll); they cannot be trusted.",
    },
    "audit.finding.unknown_township_feed": {
        "zh": "{count} 条记录属于总库中没有的乡镇的记录链。",
        "en": "{count} entries belong to a feed of a township the master does not know.",
    },
    "audit.finding.unknown_feed": {
        "zh": "{count} 条记录的记录链编号既不是设备也不是乡镇的；这些记录不可信。",
        "en": "{count} entries are in a feed whose id names neither a device nor a township; they cannot be trusted.",
    },
    "audit.finding.after_revocation": {
        "zh": "设备吊销之后仍有 {count} 条记录（按记录时间或收到时间）。",
        "en": "{count} entries were made or received after the device was revoked.",
    },
    "audit.finding.fork": {
        "zh": "记录链在第 {seq} 条分叉（总库 {held}…，另一份 {incoming}…）；两份均作为证据保留。",
        "en": "the feed forks at entry {seq} (master {held}…, other {incoming}…); both are kept as evidence.",
    },
    "audit.finding.quarantined": {
        "zh": "该记录链仍被隔离，其导出包一律拒绝；请乡镇处理（township revoke 或 township release）。",
        "en": "the feed is still quarantined and its bundles are refused; the township must deal with it (township revoke or township release).",
    },
    "audit.finding.refused_file": {
        "zh": "合并时拒收的文件 {file}：{detail}",
        "en": "file {file} was refused at merge: {detail}",
    },
    "audit.finding.ignored_entry": {
        "zh": "该条记录（类型 {type}）未被计入：类型未知、编号不符或与已有记录重号。",
        "en": "this entry (type {type}) was not counted: unknown type, mismatched id, or an id already taken.",
    },
    "audit.finding.conflict": {
        "zh": "{entity} 有 {count} 个并行修改尚未处理（township conflicts）。",
        "en": "{entity} has {count} concurrent edits not yet resolved (township conflicts).",
    },
    # Findings: clocks.
    "audit.finding.time_backwards": {
        "zh": "记录时间倒退了 {duration}（第 {seq} 条 → 第 {last} 条）：设备时钟被调过，或记录被倒填。",
        "en": "the time goes back by {duration} (entry {seq} → {last}): the clock was changed or entries were back-dated.",
    },
    "audit.finding.future_time": {
        "zh": "{count} 条记录的时间晚于总库收到它们的时间，最多超前 {duration}：设备时钟不准或时间被改。",
        "en": "{count} entries are dated after the master received them, by up to {duration}: a wrong clock or altered times.",
    },
    "audit.finding.before_enrolment": {
        "zh": "{count} 条记录的时间早于设备登记时间：设备时钟不准或记录被倒填。",
        "en": "{count} entries are dated before the device was enrolled: a wrong clock or back-dated entries.",
    },
    # Findings: implausible visits.
    "audit.finding.too_many_per_hour": {
        "zh": "一小时内走访 {count} 户（上限 {limit} 户），本段共 {total} 次：不合常理，请回访核实。",
        "en": "{count} households visited within one hour (limit {limit}); {total} visits in this stretch: implausible, check by call-back.",
    },
    "audit.finding.night_visit": {
        "zh": "户 {household} 的走访记在深夜 {time}（设备当地时间）。",
        "en": "the visit to household {household} is recorded at night, {time} (device local time).",
    },
    "audit.finding.other_village": {
        "zh": "户 {household} 属于村 {village}，但记录它的设备属于村 {device_village}。",
        "en": "household {household} belongs to village {village}, but the recording device works in village {device_village}.",
    },
    "audit.finding.unknown_household": {
        "zh": "走访的户 {household} 不在花名册中。",
        "en": "the visited household {household} is not on the roster.",
    },
    "audit.finding.duplicate_visit": {
        "zh": "户 {household} 在 {duration} 内被走访两次（另一次：{other}）。",
        "en": "household {household} was visited twice within {duration} (the other visit: {other}).",
    },
    "audit.finding.paper_visits": {
        "zh": "{count} 次走访是按纸质登记表补录的（记录时间为录入时间），宜重点回访。",
        "en": "{count} visits were typed in from paper forms (their time is when they were typed); worth calling back.",
    },
    # Findings: coverage and call-backs.
    "audit.finding.uncovered": {
        "zh": "{village_name}（{village}）：未走访 {not_visited} 户，部分覆盖 {partial} 户（明细用 --uncovered）。",
        "en": "{village_name} ({village}): {not_visited} households not visited, {partial} partly covered (details with --uncovered).",
    },
    "audit.finding.callback_denied": {
        "zh": "回访户 {household} 否认曾被入户宣传。",
        "en": "call-back: household {household} denies having been visited.",
    },
    "audit.finding.callback_unreachable": {
        "zh": "回访户 {household} 未能联系上。",
        "en": "call-back: household {household} could not be reached.",
    },
    # fieldkit audit.
    "audit.cli.help": {"zh": "审计：完整性、时间、异常记录、覆盖与回访", "en": "audit: integrity, clocks, implausible records, coverage, call-backs"},
    "audit.cli.description": {
        "zh": "检查总库：每条记录链完整且来自已登记设备、时间没有倒退或超前、没有一小时走访过多或深夜走访等异常，列出未覆盖户和回访结果。"
        "审计运行成功即退出码 0（结果见最后的汇总行）；加 --strict 时，若有“错误”级发现则退出码 4。",
        "en": "Check the master: every feed intact and from an enrolled device, clocks neither backwards nor ahead, no implausible "
        "records (too many visits in an hour, visits at night...), households not covered, call-back results. Exits 0 when the "
        "audit ran (see the summary line); with --strict it exits 4 if there is any finding of severity error.",
    },
    "audit.cli.opt.uncovered": {"zh": "列出每个村、组未覆盖（未走访/部分覆盖）的户", "en": "list the households not covered (not visited / partial) per village and group"},
    "audit.cli.opt.strict": {"zh": "有“错误”级发现时以退出码 4 结束", "en": "exit with code 4 when there is a finding of severity error"},
    "audit.cli.opt.max_per_hour": {"zh": "一台设备一小时内最多合理走访户数（默认 {n}）", "en": "most visits one device can plausibly make in an hour (default {n})"},
    "audit.cli.opt.tolerance": {"zh": "时钟容差，分钟（默认 {n}）", "en": "clock tolerance in minutes (default {n})"},
    "audit.cli.opt.out": {"zh": "同时把发现写入文件（.csv 或 .xlsx；不含个人信息）", "en": "also write the findings to a file (.csv or .xlsx; no personal data)"},
    "audit.cli.opt.all": {"zh": "显示全部发现（默认每类最多显示 {n} 条）", "en": "show every finding (default: at most {n} per kind)"},
    "audit.cli.summary": {
        "zh": "审计完成：{feeds} 条记录链、{entries} 条记录；错误 {errors}，警告 {warnings}，提示 {infos}。",
        "en": "audit done: {feeds} feeds, {entries} entries; {errors} errors, {warnings} warnings, {infos} notes.",
    },
    "audit.cli.bad_threshold": {
        "zh": "--max-per-hour 须至少为 1，--tolerance 不能为负数。",
        "en": "--max-per-hour must be at least 1 and --tolerance must not be negative.",
    },
    "audit.cli.clean": {"zh": "没有发现问题。", "en": "no findings."},
    "audit.cli.more": {"zh": "……另有 {count} 条同类发现（{kind}）未显示，用 --all 显示全部。", "en": "… {count} more findings of this kind ({kind}) not shown; use --all."},
    "audit.cli.strict_failed": {
        "zh": "审计发现 {errors} 个“错误”级问题（--strict）。",
        "en": "the audit found {errors} findings of severity error (--strict).",
    },
    "audit.cli.written": {"zh": "已写出 {path}", "en": "written to {path}"},
    "audit.cli.uncovered_title": {"zh": "未覆盖的户（共 {count} 户）：", "en": "households not covered ({count}):"},
    "audit.cli.uncovered_none": {"zh": "所有应覆盖的户均已覆盖。", "en": "every household to cover is covered."},
    "audit.col.severity": {"zh": "级别", "en": "severity"},
    "audit.col.where": {"zh": "记录链#序号", "en": "feed#seq"},
    "audit.col.household": {"zh": "户编号", "en": "household"},
    "audit.col.message": {"zh": "说明", "en": "finding"},
    "audit.col.kind": {"zh": "类别", "en": "kind"},
    "audit.col.feed": {"zh": "记录链", "en": "feed"},
    "audit.col.seqs": {"zh": "序号", "en": "seq"},
    "audit.col.village": {"zh": "村", "en": "village"},
    "audit.col.group": {"zh": "组", "en": "group"},
    "audit.col.number": {"zh": "户号", "en": "house no."},
    "audit.col.status": {"zh": "情况", "en": "status"},
    "audit.sheet": {"zh": "审计发现", "en": "findings"},
    # fieldkit audit sample.
    "audit.sample.help": {"zh": "抽取回访户名单（可复现）", "en": "draw the call-back sample (reproducible)"},
    "audit.sample.description": {
        "zh": "从已覆盖和部分覆盖的户中按村、组分层抽取回访户。同一总库、同一种子（--seed）总得到同一名单，督导可自行复核。"
        "只有写入 --out 指定的文件时才包含户主姓名和电话。",
        "en": "Draw households for call-back checks from those covered or partly covered, stratified by village and group. "
        "The same master and the same --seed always give the same list, so a supervisor can re-derive it. Names and phones "
        "are written only to the file given with --out.",
    },
    "audit.sample.opt.size": {"zh": "抽取户数（默认 {n}）", "en": "number of households (default {n})"},
    "audit.sample.opt.seed": {
        "zh": "抽样种子，任意文字，如日期或公开抽取的数字（不给则随机生成并显示）",
        "en": "sampling seed, any text such as a date or a publicly drawn number (default: a random one, shown)",
    },
    "audit.sample.opt.out": {
        "zh": "回访名单文件（.csv 或 .xlsx），含户主姓名和电话",
        "en": "call-back list file (.csv or .xlsx), with the head of household's name and phone",
    },
    "audit.sample.opt.village": {"zh": "只在这个村抽取（村代码或村名，可重复）", "en": "only this village (code or name; repeatable)"},
    "audit.sample.bad_size": {"zh": "抽取户数必须是正整数。", "en": "the sample size must be a positive whole number."},
    "audit.sample.bad_seed": {"zh": "抽样种子不能为空，最长 {max} 个字符。", "en": "the seed must not be empty and at most {max} characters."},
    "audit.sample.unknown_village": {"zh": "总库中没有村 {village}。", "en": "the master has no village {village}."},
    "audit.sample.empty": {"zh": "没有可回访的户（尚无已覆盖或部分覆盖的户）。", "en": "no household to call back (none covered or partly covered yet)."},
    "audit.sample.summary": {
        "zh": "已抽取 {count} 户（种子 {seed}，从 {population} 户中抽取）。用同一种子可复核此名单。",
        "en": "drew {count} households (seed {seed}, from {population}). The same seed re-derives this list.",
    },
    "audit.sample.written": {"zh": "回访名单已写入 {path}", "en": "call-back list written to {path}"},
    "audit.sample.personal_warning": {
        "zh": "注意：该文件含户主姓名和电话，属于个人信息。仅用于回访，勿经微信/QQ/邮箱传送，回访结束后请删除。",
        "en": "warning: this file holds names and phone numbers (personal data). Use it only for call-backs, do not send it by WeChat/QQ/e-mail, and delete it afterwards.",
    },
    "audit.sample.no_out_hint": {
        "zh": "终端只显示户编号；要得到含姓名和电话的回访名单，请加 --out 文件名。",
        "en": "only household ids are shown here; add --out FILE for the list with names and phones.",
    },
    "audit.sample.col.index": {"zh": "序号", "en": "no."},
    "audit.sample.col.village": {"zh": "村", "en": "village"},
    "audit.sample.col.group": {"zh": "组", "en": "group"},
    "audit.sample.col.number": {"zh": "户号", "en": "house no."},
    "audit.sample.col.household": {"zh": "户编号", "en": "household id"},
    "audit.sample.col.address": {"zh": "地址", "en": "address"},
    "audit.sample.col.head": {"zh": "户主姓名", "en": "head of household"},
    "audit.sample.col.phone": {"zh": "联系电话", "en": "phone"},
    "audit.sample.col.phone_owner": {"zh": "电话所属", "en": "whose phone"},
    "audit.sample.col.status": {"zh": "覆盖情况", "en": "coverage"},
    "audit.sample.col.result": {"zh": "回访结果（属实/不属实/无法联系）", "en": "result (confirmed/denied/unreachable)"},
    "audit.sample.col.note": {"zh": "备注", "en": "note"},
    "audit.sample.col.seed": {"zh": "抽样种子", "en": "seed"},
    "audit.sample.sheet": {"zh": "回访名单", "en": "call-backs"},
    # fieldkit audit callback.
    "audit.callback.help": {"zh": "登记一户的回访结果", "en": "record the result of a call-back"},
    "audit.callback.description": {
        "zh": "登记对抽中户的回访结果：confirmed 属实，denied 不属实（户称没有人来宣传过，记为审计“错误”），unreachable 无法联系。"
        "需在乡镇工作目录运行；结果记入该村的乡镇记录链。",
        "en": "Record the result of calling back a sampled household: confirmed, denied (an audit error) or unreachable. "
        "Run it in the township workspace; the result goes into the township's feed for that village.",
    },
    "audit.callback.opt.household": {"zh": "户编号（回访名单中的“户编号”列）", "en": "household id (the list's household id column)"},
    "audit.callback.opt.result": {"zh": "回访结果", "en": "the result"},
    "audit.callback.opt.note": {"zh": "备注（最多 {max} 字；不要写姓名、电话）", "en": "note (at most {max} characters; no names or phones)"},
    "audit.callback.unknown_household": {
        "zh": "花名册中没有户 {household}；请照回访名单中的“户编号”填写。",
        "en": "household {household} is not on the roster; use the household id from the call-back list.",
    },
    "audit.callback.note_too_long": {"zh": "备注太长（最多 {max} 字）。", "en": "the note is too long (at most {max} characters)."},
    "audit.callback.not_township": {
        "zh": "回访结果只能在乡镇工作目录登记（当前是 {kind}）。",
        "en": "call-back results are recorded in the township workspace (this one is a {kind} workspace).",
    },
    "audit.callback.recorded": {
        "zh": "已登记户 {household} 的回访结果：{result}（记录链 {feed} 第 {seq} 条）。",
        "en": "call-back for household {household} recorded: {result} (feed {feed}, entry {seq}).",
    },
    "audit.callback.result.confirmed": {"zh": "属实", "en": "confirmed"},
    "audit.callback.result.denied": {"zh": "不属实", "en": "denied"},
    "audit.callback.result.unreachable": {"zh": "无法联系", "en": "unreachable"},
    # fieldkit report.
    "report.cli.help": {"zh": "报表", "en": "reports"},
    "report.progress.help": {"zh": "宣传进度报表（每月10日、25日上报）", "en": "progress report (due on the 10th and 25th)"},
    "report.progress.description": {
        "zh": "按村、组统计户数、已覆盖、部分覆盖、未走访、空挂、已迁出、覆盖率、应宣传与已宣传人数、反诈APP安装率（目标≥{target}%）、"
        "老年人/在校学生/外出务工人员宣传情况和集中宣传活动次数。终端显示主要列，--out 文件（.csv 或 .xlsx）包含全部列。",
        "en": "Per village and group: households, covered, partly covered, not visited, empty, moved out, coverage rate, persons to "
        "brief and briefed, anti-fraud app install rate (target ≥{target}%), elderly/students/migrant workers, activities. The "
        "terminal shows the main columns; the --out file (.csv or .xlsx) has them all.",
    },
    "report.opt.out": {"zh": "写入文件（.csv 供 Excel 打开，或 .xlsx）", "en": "write to a file (.csv for Excel, or .xlsx)"},
    "report.opt.date": {"zh": "统计截止日期 YYYY-MM-DD（默认今天）", "en": "report as of this date, YYYY-MM-DD (default: today)"},
    "report.opt.wide": {"zh": "终端也显示全部列", "en": "show every column on the terminal too"},
    "report.bad_date": {"zh": "日期 {value} 不对，请写成 YYYY-MM-DD，如 2026-12-10。", "en": "bad date {value}; write it as YYYY-MM-DD, e.g. 2026-12-10."},
    "report.bad_suffix": {"zh": "不支持的文件类型：{path}。请用 .csv 或 .xlsx 结尾的文件名。", "en": "unsupported file type: {path}. Use a name ending in .csv or .xlsx."},
    "report.title": {
        "zh": "{name} 反诈宣传入户进度（截至 {date}）",
        "en": "{name}: anti-fraud publicity progress as of {date}",
    },
    "report.written": {"zh": "已写出 {path}", "en": "written to {path}"},
    "report.empty": {"zh": "总库中还没有花名册，无可统计。", "en": "the master holds no roster yet; nothing to report."},
    "report.sheet": {"zh": "宣传进度", "en": "progress"},
    "report.subtotal": {"zh": "小计", "en": "subtotal"},
    "report.township_total": {"zh": "合计", "en": "total"},
    "report.grand_total": {"zh": "总计", "en": "grand total"},
    "report.target_met": {"zh": "达标", "en": "met"},
    "report.target_missed": {"zh": "未达标", "en": "not met"},
    "report.col.village": {"zh": "村", "en": "village"},
    "report.col.group": {"zh": "组", "en": "group"},
    "report.col.households": {"zh": "总户数", "en": "households"},
    "report.col.covered": {"zh": "已覆盖", "en": "covered"},
    "report.col.partial": {"zh": "部分覆盖", "en": "partial"},
    "report.col.not_visited": {"zh": "未走访", "en": "not visited"},
    "report.col.empty": {"zh": "空挂", "en": "empty"},
    "report.col.moved_out": {"zh": "已迁出", "en": "moved out"},
    "report.col.coverage_rate": {"zh": "覆盖率", "en": "coverage"},
    "report.col.persons": {"zh": "应宣传人数", "en": "persons to brief"},
    "report.col.briefed": {"zh": "已宣传人数", "en": "briefed"},
    "report.col.briefed_rate": {"zh": "人员宣传率", "en": "briefed rate"},
    "report.col.app_installed": {"zh": "已装反诈APP", "en": "app installed"},
    "report.col.app_rate": {"zh": "APP安装率", "en": "app rate"},
    "report.col.app_target": {"zh": "APP达标（≥{target}%）", "en": "app target (≥{target}%)"},
    "report.col.elderly": {"zh": "老年人", "en": "elderly"},
    "report.col.elderly_briefed": {"zh": "老年人已宣传", "en": "elderly briefed"},
    "report.col.students": {"zh": "在校学生", "en": "students"},
    "report.col.students_briefed": {"zh": "学生已宣传", "en": "students briefed"},
    "report.col.migrants": {"zh": "外出务工", "en": "migrant workers"},
    "report.col.migrants_briefed": {"zh": "务工已宣传", "en": "migrants briefed"},
    "report.col.visits": {"zh": "走访次数", "en": "visits"},
    "report.col.activities": {"zh": "集中宣传活动", "en": "activities"},
}
