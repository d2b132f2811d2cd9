"""Messages of the feed (feed.*), the encrypted store (store.*) and the workspace (workspace.*)."""

_RESTORE_ZH = "数据未改动；请勿继续使用此工作目录，联系乡镇技术人员，可从最近的导出包恢复。"
_RESTORE_EN = "nothing was changed; stop using this workspace and contact the township's technical staff (the latest export can restore it)."

MESSAGES = {
    # The feed: {feed} is a feed id, {seq} the first bad sequence number.
    "feed.malformed": {
        "zh": "记录链 {feed} 第 {seq} 条格式不对（{field}）：已损坏或被篡改。",
        "en": "feed {feed} entry {seq} is malformed ({field}): damaged or tampered with.",
    },
    "feed.bad_version": {
        "zh": "记录链 {feed} 第 {seq} 条的格式版本 {version} 不受支持；请升级 fieldkit。",
        "en": "feed {feed} entry {seq} has unsupported format version {version}; upgrade fieldkit.",
    },
    "feed.not_canonical": {
        "zh": "记录链 {feed} 第 {seq} 条不是规范编码：字节被改动过。",
        "en": "feed {feed} entry {seq} is not in canonical form: its bytes were altered.",
    },
    "feed.gap": {
        "zh": "记录链 {feed} 缺少第 {seq} 条（此处出现的是第 {found} 条）：有记录被删除。",
        "en": "feed {feed} is missing entry {seq} (found {found} in its place): entries were removed.",
    },
    "feed.reordered": {
        "zh": "记录链 {feed} 第 {seq} 条的位置出现了第 {found} 条：记录被调换顺序或重复。",
        "en": "feed {feed} has entry {found} where entry {seq} belongs: entries were reordered or duplicated.",
    },
    "feed.broken_link": {
        "zh": "记录链 {feed} 第 {seq} 条与第 {prev_seq} 条的哈希链接不符：链接被改动或断开。",
        "en": "feed {feed} entry {seq} does not link to entry {prev_seq}: the chain was altered or broken.",
    },
    "feed.altered": {
        "zh": "记录链 {feed} 第 {seq} 条的内容被改动（哈希与链上记载不符）。",
        "en": "feed {feed} entry {seq} was altered (its hash does not match the chain).",
    },
    "feed.wrong_feed": {
        "zh": "记录链 {feed} 第 {seq} 条属于另一条记录链 {found}：记录被混入或调换。",
        "en": "feed {feed} entry {seq} belongs to another feed ({found}): entries were mixed in or swapped.",
    },
    "feed.truncated": {
        "zh": "记录链 {feed} 在第 {seq} 条之前就结束了，应到第 {head} 条：末尾的记录丢失。",
        "en": "feed {feed} ends before entry {seq} but should reach {head}: entries at the end are missing.",
    },
    "feed.too_long": {
        "zh": "记录链 {feed} 超出签名的第 {head} 条（多出第 {seq} 条起的记录）。",
        "en": "feed {feed} goes past its signed head {head} (extra entries from {seq}).",
    },
    "feed.fork": {
        "zh": "记录链 {feed} 第 {seq} 条与已有的同序号记录不同（分叉）：两份都已保留为证据，请联系乡镇核查该设备。",
        "en": "feed {feed} has a different entry at seq {seq} than the one already held (a fork); report the device to the township.",
    },
    # The encrypted store: {file} is a path such as store/manifest.age, never a person's data.
    "store.not_found": {
        "zh": "找不到存储目录 {path}：工作目录不完整。",
        "en": "store folder {path} not found: the workspace is incomplete.",
    },
    "store.exists": {
        "zh": "存储目录 {path} 已存在，不会覆盖。",
        "en": "store folder {path} already exists; it will not be overwritten.",
    },
    "store.undecryptable": {
        "zh": "存储文件 {file} 已损坏或被篡改（无法用本工作目录的密钥解密）；" + _RESTORE_ZH,
        "en": "store file {file} is damaged or was tampered with (cannot be decrypted with this workspace's key); " + _RESTORE_EN,
    },
    "store.bad_content": {
        "zh": "存储文件 {file} 已损坏或被篡改（内容格式不对）；" + _RESTORE_ZH,
        "en": "store file {file} is damaged or was tampered with (its content is malformed); " + _RESTORE_EN,
    },
    "store.chain": {
        "zh": "存储文件 {file} 已损坏或被篡改：{detail}" + _RESTORE_ZH,
        "en": "store file {file} is damaged or was tampered with: {detail} " + _RESTORE_EN,
    },
    "store.misplaced": {
        "zh": "存储文件 {file} 已损坏或被篡改（内容不属于这个位置，文件被调换过）；" + _RESTORE_ZH,
        "en": "store file {file} is damaged or was tampered with (its content belongs elsewhere: files were swapped); " + _RESTORE_EN,
    },
    "store.missing_file": {
        "zh": "存储文件 {file} 缺失：数据被删除或目录不完整；" + _RESTORE_ZH,
        "en": "store file {file} is missing: data was deleted or the folder is incomplete; " + _RESTORE_EN,
    },
    "store.rolled_back": {
        "zh": "存储文件 {file} 被回退或截短：只有 {found} 条记录，清单记载至少 {expected} 条；" + _RESTORE_ZH,
        "en": "store file {file} was rolled back or truncated: {found} entries where the manifest records at least {expected}; " + _RESTORE_EN,
    },
    "store.head_mismatch": {
        "zh": "存储文件 {file} 已损坏或被篡改：第 {seq} 条与清单记载的哈希不符；" + _RESTORE_ZH,
        "en": "store file {file} is damaged or was tampered with: entry {seq} does not match the manifest; " + _RESTORE_EN,
    },
    "store.docs_rolled_back": {
        "zh": "存储文件 {file} 被回退到旧版本（第 {found} 版，清单记载至少第 {expected} 版）；" + _RESTORE_ZH,
        "en": "store file {file} was rolled back to an older version ({found}, the manifest records at least {expected}); " + _RESTORE_EN,
    },
    "store.unsupported_format": {
        "zh": "存储文件 {file} 的格式版本 {format} 不受支持；请升级 fieldkit。",
        "en": "store file {file} has unsupported format version {format}; upgrade fieldkit.",
    },
    "store.locked": {
        "zh": "存储 {path} 正被另一个 fieldkit 程序写入；请先关闭那个程序再试。",
        "en": "store {path} is being written by another fieldkit program; close that program and try again.",
    },
    "store.reloaded": {
        "zh": "存储 {path} 刚被另一个 fieldkit 程序修改过，已重新载入；请再操作一次。",
        "en": "store {path} was just changed by another fieldkit program and has been reloaded; please try again.",
    },
    "store.closed": {
        "zh": "存储 {path} 已关闭；请重新打开工作目录。",
        "en": "store {path} is closed; open the workspace again.",
    },
    # The workspace.
    "workspace.not_a_workspace": {
        "zh": "工作目录 {path} 不是 fieldkit 工作目录（没有 workspace.json）；请用 --dir 指定正确的目录，或先初始化。",
        "en": "{path} is not a fieldkit workspace (no workspace.json); pass the right folder with --dir, or initialise one first.",
    },
    "workspace.exists": {
        "zh": "目录 {path} 已存在且不是空目录，不会覆盖；请换一个目录。",
        "en": "{path} already exists and is not empty; it will not be overwritten. Choose another folder.",
    },
    "workspace.bad_info": {
        "zh": "工作目录文件 {file} 已损坏或格式不对；请联系乡镇技术人员。",
        "en": "workspace file {file} is damaged or malformed; contact the township's technical staff.",
    },
    "workspace.missing_file": {
        "zh": "工作目录缺少 {file}：目录不完整；请联系乡镇技术人员。",
        "en": "the workspace is missing {file}: the folder is incomplete; contact the township's technical staff.",
    },
    "workspace.unsupported_format": {
        "zh": "工作目录 {path} 的格式版本 {format} 不受支持；请升级 fieldkit。",
        "en": "workspace {path} has unsupported format version {format}; upgrade fieldkit.",
    },
    "workspace.keys_incomplete": {
        "zh": "密钥文件 {file} 缺少存储密钥：文件不完整；请联系乡镇技术人员。",
        "en": "key file {file} lacks the store key: it is incomplete; contact the township's technical staff.",
    },
}
