"""Messages of provisioning: travelling containers and kits (sync/container.py, sync/kit.py), township
and device set-up (sync/township.py, sync/device.py) and their CLI commands (township, device, visit,
status). Params are file names, ids, codes, counts and fingerprints, never a person's data.
"""

MESSAGES = {
    # ---------------------------------------------------------------- container (sync/container.py)
    "container.empty": {
        "zh": "{file} 是空文件（U 盘可能在写入时被拔出）；请重新生成。",
        "en": "{file} is empty (the stick may have been pulled out while writing); create it again.",
    },
    "container.too_large": {
        "zh": "{file} 太大（{size_mb} MiB，上限 {cap_mb} MiB），已拒绝。",
        "en": "{file} is too large ({size_mb} MiB, limit {cap_mb} MiB); refused.",
    },
    "container.bad_magic": {
        "zh": "{file} 不是 fieldkit 文件（开头应为 {expected}）；文件可能被改动或选错了文件。",
        "en": "{file} is not a fieldkit file (it should start with {expected}); it was altered or is the wrong file.",
    },
    "container.wrong_kind": {
        "zh": "{file} 是 {found} 文件，此处需要 {expected} 文件。",
        "en": "{file} is a {found} file; a {expected} file is needed here.",
    },
    "container.unsupported_version": {
        "zh": "{file} 的格式版本 {found} 本程序不支持（支持 {supported}）；请升级 fieldkit 或请对方用相同版本重新生成。",
        "en": "{file} has format version {found}, which this fieldkit does not support ({supported}); upgrade, or have it made again with the same version.",
    },
    "container.unsupported_suite": {
        "zh": "{file} 使用了本程序不支持的算法套件（{suite}），已拒绝。",
        "en": "{file} uses an algorithm suite this fieldkit does not support ({suite}); refused.",
    },
    "container.bad_header": {
        "zh": "{file} 的文件头已损坏或被改动（{detail}），已拒绝；请重新生成。",
        "en": "{file} has a damaged or altered header ({detail}); refused. Have it made again.",
    },
    "container.truncated": {
        "zh": "{file} 不完整（缺少加密内容），可能在复制时被截断；请重新复制。",
        "en": "{file} is incomplete (no encrypted content); it was probably truncated while copying. Copy it again.",
    },
    "container.bad_signature": {
        "zh": "{file} 的签名不正确：文件被改动，或不是由 {sender} 签发；已拒绝。",
        "en": "{file} has a bad signature: it was altered or not signed by {sender}; refused.",
    },
    "container.body_mismatch": {
        "zh": "{file} 的加密内容与文件头记载不符：文件被改动或截断；已拒绝。",
        "en": "{file}: the encrypted content does not match its header: the file was altered or truncated; refused.",
    },
    "container.not_for_us": {
        "zh": "{file} 不是加密给本机的，无法解密；已拒绝。",
        "en": "{file} was not encrypted to this workspace and cannot be decrypted; refused.",
    },
    "container.undecryptable": {
        "zh": "{file} 的加密内容已损坏，无法解密；已拒绝。",
        "en": "{file}: the encrypted content is damaged and cannot be decrypted; refused.",
    },
    "checkpoint.malformed": {
        "zh": "{file} 中记录链 {feed} 的检查点格式不对，已拒绝。",
        "en": "{file}: the checkpoint of feed {feed} is malformed; refused.",
    },
    # ---------------------------------------------------------------- kit (sync/kit.py)
    "kit.wrong_township": {
        "zh": "{file} 来自乡镇 {found}，本机属于乡镇 {expected}；已拒绝。",
        "en": "{file} comes from township {found}; this laptop belongs to township {expected}; refused.",
    },
    "kit.untrusted_key": {
        "zh": "{file} 由另一把乡镇密钥签发（指纹 {found}），与本机信任的乡镇密钥（指纹 {expected}）不符；已拒绝。",
        "en": "{file} is signed by another township key (fingerprint {found}), not the one this laptop trusts ({expected}); refused.",
    },
    "kit.wrong_device": {
        "zh": "{file} 是发给设备 {found} 的，本机是 {expected}；请向乡镇索取本机的配置包。",
        "en": "{file} is for device {found}; this laptop is {expected}. Ask the township for this laptop's kit.",
    },
    "kit.wrong_village": {
        "zh": "{file} 是村 {found} 的配置包，本机登记在村 {expected}；已拒绝。",
        "en": "{file} is a kit for village {found}; this laptop is enrolled in village {expected}; refused.",
    },
    "kit.bad_body": {
        "zh": "{file} 解密后的内容格式不对（{detail}），已拒绝。",
        "en": "{file}: the decrypted content is malformed ({detail}); refused.",
    },
    "kit.bad_certificate": {
        "zh": "{file} 中的设备证书签名不正确，已拒绝。",
        "en": "{file}: the device certificate has a bad signature; refused.",
    },
    "kit.certificate_mismatch": {
        "zh": "{file} 中的设备证书与本机的密钥或村不符，已拒绝；请向乡镇索取本机的配置包。",
        "en": "{file}: the device certificate does not match this laptop's keys or village; refused. Ask the township for this laptop's kit.",
    },
    "kit.foreign_feed": {
        "zh": "{file} 含有不属于本村的记录链 {feed}，已拒绝。",
        "en": "{file} carries feed {feed}, which does not belong to this village; refused.",
    },
    "kit.bad_checkpoint": {
        "zh": "{file} 中记录链 {feed} 的检查点签名不正确：记录被改动；已拒绝。",
        "en": "{file}: the checkpoint of feed {feed} has a bad signature: entries were altered; refused.",
    },
    "kit.bad_chain": {
        "zh": "{file}：{detail}",
        "en": "{file}: {detail}",
    },
    "kit.bad_receipt": {
        "zh": "{file} 中的回执签名不正确或不是发给本机的，已拒绝。",
        "en": "{file}: the receipt has a bad signature or is not for this laptop; refused.",
    },
    "kit.fork": {
        "zh": "{file} 中记录链 {feed} 第 {seq} 条与本机已有的不同（分叉）；已拒绝，请联系乡镇。",
        "en": "{file}: feed {feed} has a different entry at seq {seq} than this laptop holds (a fork); refused. Contact the township.",
    },
    "kit.not_extending": {
        "zh": "{file} 中记录链 {feed} 从第 {start} 条开始，但本机只有前 {held} 条：中间缺失；请向乡镇索取完整的配置包。",
        "en": "{file}: feed {feed} starts at entry {start} but this laptop holds only {held}: entries in between are missing. Ask the township for a full kit.",
    },
    # ---------------------------------------------------------------- device (sync/device.py)
    "device.bad_name": {
        "zh": "设备名称不能为空，最多 {max} 个字（如“红星村张三”）。",
        "en": "the device name must not be empty and at most {max} characters (e.g. \"Hongxing Zhang San\").",
    },
    "device.bad_request": {
        "zh": "{file} 不是有效的设备登记申请文件（应由 fieldkit device init 生成）。",
        "en": "{file} is not a valid enrolment request (it is written by fieldkit device init).",
    },
    "device.bad_request_name": {
        "zh": "登记申请中的设备名称无效；请在笔记本上重新运行 fieldkit device init。",
        "en": "the device name in the enrolment request is invalid; run fieldkit device init on the laptop again.",
    },
    "device.request_bad_signature": {
        "zh": "{file} 的签名不正确：申请文件被改动；请从笔记本重新复制。",
        "en": "{file} has a bad signature: the request was altered; copy it from the laptop again.",
    },
    "device.not_device": {
        "zh": "工作目录 {path} 是 {kind} 类型，此操作需要笔记本（device）工作目录。",
        "en": "workspace {path} is a {kind} workspace; this needs a laptop (device) workspace.",
    },
    "device.fingerprint_mismatch": {
        "zh": "配置包的乡镇密钥指纹是 {found}，与给定的 {expected} 不符；未导入。请向乡镇核实。",
        "en": "the kit's township key fingerprint is {found}, not the given {expected}; nothing imported. Check with the township.",
    },
    "device.not_confirmed": {
        "zh": "指纹未确认，未导入任何内容。",
        "en": "fingerprint not confirmed; nothing imported.",
    },
    # ---------------------------------------------------------------- township (sync/township.py)
    "township.bad_code": {
        "zh": "乡镇代码“{code}”无效：应为 9 位数字（县 6 位 + 乡镇 3 位）。",
        "en": "township code \"{code}\" is invalid: it must be 9 digits (county 6 + township 3).",
    },
    "township.bad_name": {
        "zh": "乡镇名称不能为空，最多 {max} 个字。",
        "en": "the township name must not be empty and at most {max} characters.",
    },
    "township.dossier_passphrase_empty": {
        "zh": "档案密钥口令不能为空。",
        "en": "the dossier key passphrase must not be empty.",
    },
    "township.not_township": {
        "zh": "工作目录 {path} 是 {kind} 类型，此操作需要乡镇（township）工作目录。",
        "en": "workspace {path} is a {kind} workspace; this needs a township workspace.",
    },
    "township.unknown_village": {
        "zh": "找不到村“{village}”；请先导入花名册，或检查村名/村代码（township roster 会列出）。",
        "en": "no village \"{village}\"; import the roster first, or check the village name/code (township roster lists them).",
    },
    "township.ambiguous_village": {
        "zh": "有多个村叫“{village}”（{codes}）；请用村代码。",
        "en": "several villages are called \"{village}\" ({codes}); use the village code.",
    },
    "township.device_revoked": {
        "zh": "设备 {device} 已被吊销，不能再次登记；请在笔记本上重新运行 device init（新设备）。",
        "en": "device {device} was revoked and cannot be enrolled again; run device init on the laptop (a new device).",
    },
    "township.device_conflict": {
        "zh": "设备 {device} 已登记在村 {village}（或密钥不同）；一台笔记本只服务一个村，如需换村请新建设备（device init）。",
        "en": "device {device} is already enrolled in village {village} (or with other keys); a laptop serves one village: to move it, make a new device (device init).",
    },
    "township.bad_village_code_option": {
        "zh": "--village-code 的写法应为 村名=12位村代码，收到“{value}”。",
        "en": "--village-code must look like NAME=12-digit-code, got \"{value}\".",
    },
    # ---------------------------------------------------------------- CLI: township
    "township.cli.help": {
        "zh": "乡镇端：初始化、导入花名册、登记笔记本、合并导出包等",
        "en": "township office: initialise, import the roster, enrol laptops, merge bundles and more",
    },
    "township.cli.init.help": {"zh": "初始化乡镇工作目录（生成密钥）", "en": "initialise a township workspace (make keys)"},
    "township.cli.init.description": {
        "zh": "生成乡镇签名密钥、办公密钥（口令保护，FIELDKIT_PASSPHRASE）和单独的档案密钥文件 dossier-key.age"
        "（口令取 FIELDKIT_DOSSIER_PASSPHRASE，未设时同办公口令），并发布默认表单。",
        "en": "makes the township signing and office keys (under the passphrase, FIELDKIT_PASSPHRASE) and a separate "
        "dossier key file dossier-key.age (passphrase FIELDKIT_DOSSIER_PASSPHRASE, default: the office one), "
        "and publishes the default forms.",
    },
    "township.cli.opt.name": {"zh": "乡镇名称，如 红星镇", "en": "township name"},
    "township.cli.opt.code": {"zh": "乡镇代码（9 位：县 6 位 + 乡镇 3 位）", "en": "township code (9 digits: county 6 + township 3)"},
    "township.cli.dossier_passphrase": {
        "zh": "请设置档案密钥口令（交派出所联络人保管，至少 8 位）：",
        "en": "New passphrase for the dossier key (for the police liaison, at least 8 characters):",
    },
    "township.cli.init.done": {
        "zh": "已初始化乡镇 {name}（{code}）：{path}",
        "en": "initialised township {name} ({code}) in {path}",
    },
    "township.cli.fingerprint": {"zh": "乡镇密钥指纹：{fingerprint}", "en": "township key fingerprint: {fingerprint}"},
    "township.cli.fingerprint_hint": {
        "zh": "请把指纹抄在纸上发给各村；笔记本导入配置包时须核对一致。",
        "en": "Write the fingerprint on paper for the villages; laptops must check it when importing a kit.",
    },
    "township.cli.init.dossier_key": {
        "zh": "档案密钥文件：{path}（交档案密钥保管人；可从本机移走）",
        "en": "dossier key file: {path} (for the dossier key holder; may be moved off this PC)",
    },
    "township.cli.init.forms": {"zh": "已发布表单：{forms}", "en": "forms published: {forms}"},
    "township.cli.init.next": {
        "zh": "下一步：fieldkit township roster 花名册.xlsx 导入户籍花名册。",
        "en": "next: fieldkit township roster roster.xlsx to import the household roster.",
    },
    "township.cli.roster.help": {"zh": "导入户籍花名册（CSV 或 XLSX）", "en": "import the household roster (CSV or XLSX)"},
    "township.cli.roster.description": {
        "zh": "读取花名册（CSV：UTF-8、带 BOM 或 GB18030；XLSX），逐行列出问题；有问题时不写入任何数据，"
        "除非加 --skip-bad-rows。再次导入只记录变化。",
        "en": "reads the roster (CSV in UTF-8, with BOM or GB18030; XLSX) and lists every problem by row; writes "
        "nothing while there are problems unless --skip-bad-rows. Importing again records only differences.",
    },
    "township.cli.opt.roster_file": {"zh": "花名册文件", "en": "roster file"},
    "township.cli.opt.skip_bad_rows": {
        "zh": "跳过有问题的行，导入其余的行",
        "en": "leave out the rows with problems and import the rest",
    },
    "township.cli.opt.village_code": {
        "zh": "指定村代码，如 红星村=110101001001（可重复；默认自动编号）",
        "en": "set a village code, e.g. 红星村=110101001001 (repeatable; default: numbered automatically)",
    },
    "township.cli.roster.ignored_columns": {
        "zh": "未识别的列（已忽略）：{columns}",
        "en": "columns not recognised (ignored): {columns}",
    },
    "township.cli.roster.progress": {"zh": "写入花名册", "en": "recording roster"},
    "township.cli.roster.reading": {
        "zh": "正在读取并检查 {file}（{size_mb} MB）…",
        "en": "reading and checking {file} ({size_mb} MB)…",
    },
    "township.cli.roster.recorded": {"zh": "花名册已导入：记录 {events} 条变化。", "en": "roster imported: {events} changes recorded."},
    "township.cli.roster.unchanged": {
        "zh": "花名册与已有数据一致，没有需要记录的变化。",
        "en": "the roster matches what is recorded; nothing to change.",
    },
    "township.cli.roster.skipped": {
        "zh": "已跳过 {rows} 行有问题的数据（见上），请改正后再次导入。",
        "en": "{rows} rows with problems were left out (see above); fix them and import again.",
    },
    "township.cli.col.village": {"zh": "村", "en": "village"},
    "township.cli.col.code": {"zh": "村代码", "en": "code"},
    "township.cli.col.households": {"zh": "户数", "en": "households"},
    "township.cli.col.persons": {"zh": "人数", "en": "persons"},
    "township.cli.enroll.help": {"zh": "登记一台笔记本并生成配置包", "en": "enrol a laptop and write its kit"},
    "township.cli.enroll.description": {
        "zh": "读取笔记本的登记申请（device init 生成），登记到指定的村，生成加密给该笔记本、由乡镇签名的配置包"
        "（含设备证书、乡镇公钥、本村花名册和表单）。",
        "en": "reads a laptop's enrolment request (from device init), enrols it in the village and writes a kit "
        "signed by the township and encrypted to that laptop (certificate, township keys, the village roster, forms).",
    },
    "township.cli.opt.request": {"zh": "登记申请文件（enrol-d-….json）", "en": "enrolment request file (enrol-d-….json)"},
    "township.cli.opt.village": {"zh": "村名或 12 位村代码", "en": "village name or 12-digit code"},
    "township.cli.opt.kit_out": {"zh": "配置包输出文件（如 U 盘上的 kit.fieldkit）", "en": "where to write the kit (e.g. kit.fieldkit on the stick)"},
    "township.cli.enroll.done": {
        "zh": "已登记设备 {device}（{name}），服务 {village}（{code}）。",
        "en": "enrolled device {device} ({name}) for {village} ({code}).",
    },
    "township.cli.enroll.again": {
        "zh": "设备 {device}（{name}）已登记在 {village}（{code}），重新生成配置包。",
        "en": "device {device} ({name}) is already enrolled in {village} ({code}); kit written again.",
    },
    "township.cli.enroll.device_fingerprint": {
        "zh": "设备密钥指纹：{fingerprint}（可与笔记本上显示的核对）",
        "en": "device key fingerprint: {fingerprint} (compare with what the laptop showed)",
    },
    "township.cli.enroll.kit": {"zh": "配置包：{path}", "en": "kit: {path}"},
    # ---------------------------------------------------------------- CLI: device
    "device.cli.help": {"zh": "笔记本：初始化、导入乡镇配置包", "en": "laptop: initialise, import kits from the township"},
    "device.cli.init.help": {"zh": "初始化本笔记本（生成密钥和登记申请）", "en": "initialise this laptop (keys and an enrolment request)"},
    "device.cli.init.description": {
        "zh": "生成本机密钥（口令保护）和登记申请文件；把申请文件交乡镇办理登记（township enroll）。",
        "en": "makes this laptop's keys (under the passphrase) and an enrolment request; take the request to the township (township enroll).",
    },
    "device.cli.opt.name": {"zh": "设备名称，一般写村名和使用人，如 红星村张三", "en": "device name, usually village and user"},
    "device.cli.opt.request_out": {
        "zh": "登记申请的保存位置（默认在工作目录内）",
        "en": "where to write the enrolment request (default: inside the workspace folder)",
    },
    "device.cli.init.done": {
        "zh": "已初始化笔记本“{name}”，设备编号 {device}：{path}",
        "en": "initialised laptop \"{name}\", device {device}, in {path}",
    },
    "device.cli.init.fingerprint": {"zh": "设备密钥指纹：{fingerprint}", "en": "device key fingerprint: {fingerprint}"},
    "device.cli.init.request": {"zh": "登记申请：{path}", "en": "enrolment request: {path}"},
    "device.cli.init.next": {
        "zh": "下一步：把登记申请拷给乡镇，取回配置包后运行 fieldkit device import-kit 配置包。",
        "en": "next: take the request to the township, then run fieldkit device import-kit KIT with the kit you get back.",
    },
    "device.cli.import.help": {"zh": "导入乡镇配置包", "en": "import a kit from the township"},
    "device.cli.import.description": {
        "zh": "逐项核验配置包（文件头、乡镇签名、接收设备、内容校验、解密、每条记录链及检查点）后导入。"
        "首次导入时显示乡镇密钥指纹，须与乡镇纸面上的指纹一致；之后的配置包必须来自同一把乡镇密钥。",
        "en": "verifies the kit (header, township signature, receiving device, body hash, decryption, every feed and "
        "its checkpoint) and imports it. The first kit shows the township key fingerprint to compare with the "
        "paper; later kits must come from the same township key.",
    },
    "device.cli.opt.kit": {"zh": "配置包文件", "en": "kit file"},
    "device.cli.opt.fingerprint": {
        "zh": "乡镇纸面上的密钥指纹；给出时自动核对",
        "en": "the township key fingerprint from the paper; checked automatically when given",
    },
    "device.first_kit_unchecked": {
        "zh": "这是本机第一个配置包，须先核对乡镇密钥指纹：请加 --fingerprint <乡镇纸面上的指纹>；已当面核对过的可加 --yes。未导入任何内容。",
        "en": "this is the laptop's first kit, so the township key fingerprint must be checked: add --fingerprint <the fingerprint on the township's paper>, or --yes if you have compared it. Nothing was imported.",
    },
    "device.cli.opt.yes": {"zh": "已核对过乡镇指纹：首次导入时不再询问", "en": "the township fingerprint has been compared: do not ask on the first kit"},
    "device.cli.import.first_trust": {
        "zh": "首次导入：配置包来自乡镇 {name}（{code}）。",
        "en": "first kit: it comes from township {name} ({code}).",
    },
    "device.cli.import.fingerprint": {
        "zh": "乡镇密钥指纹：{fingerprint}（请与乡镇纸面上的指纹核对）",
        "en": "township key fingerprint: {fingerprint} (compare with the township's paper)",
    },
    "device.cli.import.confirm": {
        "zh": "指纹与纸面一致吗？[y/N]",
        "en": "Does the fingerprint match the paper? [y/N]",
    },
    "device.cli.import.done": {
        "zh": "已导入 {file}：新增 {entries} 条记录；乡镇 {township}（{code}），村 {village}（{village_code}）。",
        "en": "imported {file}: {entries} new entries; township {township} ({code}), village {village} ({village_code}).",
    },
    "device.cli.import.summary": {
        "zh": "本村 {households} 户，表单 {forms} 份，本村笔记本 {devices} 台。",
        "en": "{households} households in the village, {forms} forms, {devices} laptops serving the village.",
    },
    # ---------------------------------------------------------------- CLI: visit
    "visit.cli.help": {"zh": "补录纸质走访登记表", "en": "visits typed from paper forms"},
    "visit.cli.import.help": {"zh": "导入补录的走访表（CSV 或 XLSX）", "en": "import a sheet of visits typed from paper (CSV or XLSX)"},
    "visit.cli.import.description": {
        "zh": "按入户走访表单逐行核验，列出每处问题及行号；有问题时不写入，除非加 --skip-bad-rows。"
        "同一张表重复导入不会重复记录。",
        "en": "checks every row against the household visit form and lists each problem with its row; writes nothing "
        "while there are problems unless --skip-bad-rows. Importing the same sheet again records nothing twice.",
    },
    "visit.cli.opt.file": {"zh": "补录表文件", "en": "visit sheet"},
    "visit.cli.opt.skip_bad_rows": {
        "zh": "跳过有问题的走访，导入其余的",
        "en": "leave out the visits with problems and import the rest",
    },
    "visit.cli.opt.cadre": {
        "zh": "“走访人”列为空时使用的姓名（默认本机名称）",
        "en": "cadre name for rows without one (default: this laptop's name)",
    },
    "visit.cli.no_roster": {
        "zh": "本机还没有花名册；请先导入乡镇配置包（fieldkit device import-kit）。",
        "en": "this laptop has no roster yet; import the township's kit first (fieldkit device import-kit).",
    },
    "visit.cli.ignored_columns": {"zh": "未识别的列（已忽略）：{columns}", "en": "columns not recognised (ignored): {columns}"},
    "visit.cli.progress": {"zh": "写入走访记录", "en": "recording visits"},
    "visit.cli.import.done": {
        "zh": "已导入 {visits} 次走访（{rows} 行）。",
        "en": "{visits} visits imported ({rows} rows).",
    },
    "visit.cli.import.already": {
        "zh": "{visits} 次走访此前已导入，未重复记录。",
        "en": "{visits} visits were imported before and were not recorded again.",
    },
    "visit.cli.import.skipped": {
        "zh": "已跳过 {visits} 次有问题的走访（见上），请改正后再次导入。",
        "en": "{visits} visits with problems were left out (see above); fix them and import again.",
    },
    "visit.cli.template.help": {"zh": "生成补录表模板", "en": "write a blank visit sheet"},
    "visit.cli.template.description": {
        "zh": "生成补录表模板（.xlsx 或带 BOM 的 CSV，按文件后缀）；加 --roster 时按本机花名册预填每位成员。",
        "en": "writes a visit sheet template (.xlsx or CSV with BOM, by suffix); with --roster, one row per member from the roster.",
    },
    "visit.cli.opt.template_out": {"zh": "模板文件（.xlsx 或 .csv）", "en": "template file (.xlsx or .csv)"},
    "visit.cli.opt.roster": {
        "zh": "按花名册预填村、户编号、姓名（需要口令）",
        "en": "prefill village, household number and name from the roster (needs the passphrase)",
    },
    "visit.cli.template.done": {"zh": "已生成补录表模板：{path}", "en": "visit sheet template written: {path}"},
    "visit.cli.template.done_rows": {
        "zh": "已生成补录表：{path}（预填 {rows} 人）",
        "en": "visit sheet written: {path} ({rows} members prefilled)",
    },
    # ---------------------------------------------------------------- CLI: status
    "status.help": {"zh": "显示覆盖进度", "en": "show coverage"},
    "status.description": {
        "zh": "按村、村民小组显示入户覆盖、反诈APP安装率（目标≥60%）和重点人群（老年人、学生、外出务工）。",
        "en": "coverage by village and group, anti-fraud app install rate (target ≥60%) and key groups "
        "(elderly, students, migrant workers).",
    },
    "status.title.device": {
        "zh": "笔记本“{name}”（{device}）  乡镇：{township}  村：{village}",
        "en": "laptop \"{name}\" ({device})  township: {township}  village: {village}",
    },
    "status.title.township": {
        "zh": "乡镇 {name}（{code}），{villages} 个村",
        "en": "township {name} ({code}), {villages} villages",
    },
    "status.title.other": {
        "zh": "{kind} 工作目录：{townships} 个乡镇，{villages} 个村",
        "en": "{kind} workspace: {townships} townships, {villages} villages",
    },
    "status.own_visits": {
        "zh": "本机记录走访 {visits} 次（本村共 {total} 次）",
        "en": "visits recorded on this laptop: {visits} (village total {total})",
    },
    "status.no_roster": {"zh": "还没有花名册；请先导入（township roster）。", "en": "no roster yet; import one (township roster)."},
    "status.no_roster_device": {
        "zh": "本机还没有花名册；请先导入乡镇配置包（device import-kit）。",
        "en": "this laptop has no roster yet; import the township's kit (device import-kit).",
    },
    "status.col.unit": {"zh": "村/组", "en": "village/group"},
    "status.col.households": {"zh": "户数", "en": "households"},
    "status.col.coverage_rate": {"zh": "覆盖率", "en": "covered %"},
    "status.col.persons": {"zh": "应宣传", "en": "persons"},
    "status.col.briefed": {"zh": "已宣传", "en": "briefed"},
    "status.col.briefed_rate": {"zh": "宣传率", "en": "briefed %"},
    "status.col.app": {"zh": "装APP", "en": "app"},
    "status.col.app_rate": {"zh": "安装率", "en": "app %"},
    "status.col.visits": {"zh": "走访次数", "en": "visits"},
    "status.col.key_group": {"zh": "重点人群", "en": "key group"},
    "status.no_group": {"zh": "（未分组）", "en": "(no group)"},
    "status.total": {"zh": "合计", "en": "total"},
    "status.group.elderly": {"zh": "老年人（60岁以上）", "en": "elderly (60+)"},
    "status.group.students": {"zh": "在校学生", "en": "students"},
    "status.group.migrants": {"zh": "外出务工", "en": "migrant workers"},
    "status.group.all": {"zh": "全部", "en": "everyone"},
    "status.app_line": {
        "zh": "国家反诈中心APP安装率：{rate}（{installed}/{persons} 人），{verdict}",
        "en": "anti-fraud app install rate: {rate} ({installed}/{persons} persons), {verdict}",
    },
    "status.households_line": {
        "zh": "入户覆盖：{covered}/{due} 户（{rate}），待覆盖 {to_do} 户",
        "en": "households covered: {covered}/{due} ({rate}), {to_do} to do",
    },
}
