MESSAGES = {
    "cli.description": {
        "zh": "fieldkit：农村反诈宣传入户登记（不漏一户、不漏一人）。不带子命令时打开录入界面。",
        "en": "fieldkit: offline anti-fraud publicity coverage for villages. Without a command it opens the field app.",
    },
    "cli.opt.lang": {"zh": "界面语言：zh 中文（默认）或 en 英文", "en": "language: zh Chinese (default) or en English"},
    "cli.opt.dir": {"zh": "工作目录（默认为本机数据目录）", "en": "workspace folder (default: this computer's data folder)"},
    "cli.interrupted": {"zh": "已中断，未完成的操作没有写入。", "en": "interrupted; the unfinished operation wrote nothing."},
    "cli.passphrase.prompt": {"zh": "请输入口令：", "en": "Passphrase:"},
    "cli.passphrase.new": {"zh": "请设置口令（至少 8 位）：", "en": "New passphrase (at least 8 characters):"},
    "cli.passphrase.again": {"zh": "请再输入一次口令：", "en": "Type the passphrase again:"},
    "cli.passphrase.mismatch": {"zh": "两次输入的口令不一致，请重试。", "en": "the two passphrases differ; try again."},
    "cli.passphrase.too_short": {"zh": "口令太短，至少需要 8 位。", "en": "passphrase too short; use at least 8 characters."},
    "cli.passphrase.empty": {"zh": "口令不能为空。", "en": "the passphrase must not be empty."},
    "cli.passphrase.no_tty": {
        "zh": "需要口令，但当前不是交互终端。请在终端中运行，或设置环境变量 FIELDKIT_PASSPHRASE。",
        "en": "a passphrase is needed but there is no terminal to ask; run it in a terminal or set FIELDKIT_PASSPHRASE.",
    },
    "cli.wrong_kind": {
        "zh": "工作目录 {path} 是 {kind} 类型，此命令需要 {expected} 工作目录。",
        "en": "workspace {path} is a {kind} workspace; this command needs a {expected} workspace.",
    },
    "cli.demo.help": {
        "zh": "建一个演示乡镇（约 120 户的村、一台已登记的笔记本、部分走访记录）并打开录入界面",
        "en": "build a throwaway demo township (a village of about 120 households, an enrolled laptop, some visits) and open the app",
    },
    "cli.demo.households": {"zh": "演示村的户数", "en": "households in the demo village"},
    "cli.demo.no_app": {"zh": "只建数据，不打开界面", "en": "build the data only; do not open the app"},
    "cli.demo.building": {"zh": "正在建演示数据", "en": "building the demo"},
    "cli.demo.not_empty": {
        "zh": "目录 {path} 不是空的；演示数据需要一个新目录。",
        "en": "folder {path} is not empty; the demo needs a new folder.",
    },
    "cli.demo.ready": {
        "zh": "演示数据已建好：乡镇工作目录 {township}，笔记本工作目录 {laptop}（{households} 户，{visits} 次走访，{activities} 次集中宣传活动）。",
        "en": "demo ready: township workspace {township}, laptop workspace {laptop} ({households} households, {visits} visits, {activities} village-wide activities).",
    },
    "cli.demo.passphrase": {"zh": "演示口令：{passphrase}", "en": "demo passphrase: {passphrase}"},
    "cli.demo.fingerprint": {"zh": "乡镇密钥指纹：{fingerprint}", "en": "township key fingerprint: {fingerprint}"},
}
