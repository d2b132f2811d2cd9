"""Messages of sync/: bundle export, merge into the master, quarantine, conflicts, refresh kits, county.

Params are file names, feed/device ids, seqs and counts, never a person's data.
"""

MESSAGES = {
    # Import checks, in the order DESIGN 6 lists them. {file} is the bundle's file name.
    "sync.empty_file": {
        "zh": "{file} 是空文件（U 盘可能在写入时被拔出）；请在笔记本上重新导出。",
        "en": "{file} is empty (the stick may have been pulled out while writing); export again on the laptop.",
    },
    "sync.bad_file": {
        "zh": "{file} 不是完好的 fieldkit 文件（{detail}）；可能被截断或改动，请重新导出。",
        "en": "{file} is not an intact fieldkit file ({detail}); it may be truncated or altered. Export it again.",
    },
    "sync.wrong_township": {
        "zh": "{file} 属于乡镇 {found}，本工作目录是乡镇 {expected}；请交给对应的乡镇。",
        "en": "{file} belongs to township {found}, this workspace is township {expected}; take it to that township.",
    },
    "sync.unknown_device": {
        "zh": "{file} 来自未登记的设备 {device}；请先给该设备办理登记（township enroll）。",
        "en": "{file} comes from device {device}, which is not enrolled here; enrol it first (township enroll).",
    },
    "sync.unknown_township": {
        "zh": "{file} 来自未登记的乡镇 {township}；请先在县级工作目录登记该乡镇（county add-township）。",
        "en": "{file} comes from township {township}, which is not registered here; register it first (county add-township).",
    },
    "sync.revoked_device": {
        "zh": "{file} 来自已吊销的设备 {device}，已拒绝。",
        "en": "{file} comes from revoked device {device}; refused.",
    },
    "sync.quarantined": {
        "zh": "记录链 {feed} 因分叉已被隔离，在乡镇处理前拒绝其导出包（township revoke 或 township release）。",
        "en": "feed {feed} is quarantined after a fork; its bundles are refused until the township deals with it (township revoke or township release).",
    },
    "sync.bad_signature": {
        "zh": "{file} 的签名不正确：文件被改动，或不是由设备 {device} 签发；已拒绝。",
        "en": "{file} has a bad signature: it was altered or not signed by device {device}; refused.",
    },
    "sync.bad_checkpoint": {
        "zh": "{file} 中记录链 {feed} 的检查点签名不正确：记录被改动；已拒绝。",
        "en": "{file}: the checkpoint of feed {feed} has a bad signature: entries were altered; refused.",
    },
    "sync.body_mismatch": {
        "zh": "{file} 的加密内容与文件头记载不符：文件被改动或截断；已拒绝。",
        "en": "{file}: the encrypted body does not match its header: the file was altered or truncated; refused.",
    },
    "sync.undecryptable": {
        "zh": "{file} 无法用本工作目录的密钥解密（{detail}）；已拒绝。",
        "en": "{file} cannot be decrypted with this workspace's key ({detail}); refused.",
    },
    "sync.bad_body": {
        "zh": "{file} 解密后的内容格式不对（{detail}）；已拒绝。",
        "en": "{file}: the decrypted content is malformed ({detail}); refused.",
    },
    "sync.feeds_mismatch": {
        "zh": "{file} 所含的记录链与文件头列出的不一致（{feed}）；已拒绝。",
        "en": "{file}: the feeds inside differ from those its header lists ({feed}); refused.",
    },
    "sync.foreign_feed": {
        "zh": "{file} 含有不应由发送方 {sender} 提供的记录链 {feed}；已拒绝。",
        "en": "{file} carries feed {feed}, which sender {sender} may not provide; refused.",
    },
    "sync.bad_chain": {
        "zh": "{file}：{detail}",
        "en": "{file}: {detail}",
    },
    "sync.not_extending": {
        "zh": "记录链 {feed} 从第 {start} 条开始，但总库只有前 {held} 条：中间缺失；请导出完整记录链（不要用增量导出）。",
        "en": "feed {feed} starts at entry {start} but the master holds only {held}: entries in between are missing; export the whole feed (not incremental).",
    },
    "sync.fork": {
        "zh": "记录链 {feed} 第 {seq} 条与总库已有的不同（分叉，可能是从备份恢复的笔记本）；两份均保留为证据，该设备已隔离。",
        "en": "feed {feed} has a different entry at seq {seq} than the master holds (a fork, perhaps a laptop restored from a backup); both kept as evidence, the device is quarantined.",
    },
    "sync.duplicate_feed": {
        "zh": "文件中记录链 {feed} 出现了两次；已拒绝。",
        "en": "the file lists feed {feed} twice; refused.",
    },
    # Export and merge.
    "sync.not_enrolled": {
        "zh": "本机尚未登记（没有导入登记包），无法导出。",
        "en": "this laptop is not enrolled yet (no enrolment kit imported); nothing can be exported.",
    },
    "sync.empty_feed": {
        "zh": "本机还没有任何记录，无需导出。",
        "en": "this laptop has recorded nothing yet; nothing to export.",
    },
    "sync.nothing_new": {
        "zh": "自上次回执以来没有新记录，无需导出。",
        "en": "nothing new since the last receipt; no export needed.",
    },
    "sync.no_files": {
        "zh": "在 {path} 中没有找到导出包（*.fkb）。",
        "en": "no bundles (*.fkb) found in {path}.",
    },
    "sync.exported": {
        "zh": "已导出 {count} 条记录（第 {first}–{last} 条）到 {path}",
        "en": "exported {count} entries ({first}–{last}) to {path}",
    },
    "sync.progress.verify": {"zh": "校验", "en": "verifying"},
    "sync.progress.write": {"zh": "写入", "en": "writing"},
    "sync.progress.export": {"zh": "导出", "en": "exporting"},
    "sync.col.file": {"zh": "文件", "en": "file"},
    "sync.col.sender": {"zh": "发送方", "en": "sender"},
    "sync.col.new": {"zh": "新增", "en": "new"},
    "sync.col.already": {"zh": "已有", "en": "already held"},
    "sync.col.conflicts": {"zh": "冲突", "en": "conflicts"},
    "sync.col.result": {"zh": "结果", "en": "result"},
    "sync.result.merged": {"zh": "已合并", "en": "merged"},
    "sync.result.rejected": {"zh": "拒绝：{reason}", "en": "rejected: {reason}"},
    "sync.merge.summary": {
        "zh": "合并完成：{merged} 个文件已合并，{rejected} 个被拒绝；新增 {new} 条记录。总库摘要 {digest}",
        "en": "merge done: {merged} files merged, {rejected} rejected; {new} new entries. Master digest {digest}",
    },
    "sync.merge.quarantine_note": {
        "zh": "被拒绝的文件已复制到 {path}。",
        "en": "rejected files were copied to {path}.",
    },
    # Conflicts and resolutions.
    "sync.conflicts.none": {"zh": "没有待处理的冲突。", "en": "no conflicts to review."},
    "sync.conflicts.header": {
        "zh": "{entity}：{count} 个并行修改（当前采用 {winner}）",
        "en": "{entity}: {count} concurrent edits (currently showing {winner})",
    },
    "sync.conflicts.value": {
        "zh": "  {mark} {ref}  {device}  {time}  {value}",
        "en": "  {mark} {ref}  {device}  {time}  {value}",
    },
    "sync.conflicts.hint": {
        "zh": "用 fieldkit township resolve ENTITY --pick FEED:SEQ 选定一个值。",
        "en": "pick a value with: fieldkit township resolve ENTITY --pick FEED:SEQ",
    },
    "sync.no_conflict": {
        "zh": "{entity} 没有待处理的冲突。",
        "en": "{entity} has no conflict to resolve.",
    },
    "sync.bad_pick": {
        "zh": "{pick} 不是 {entity} 的冲突值之一；请从 township conflicts 列出的 FEED:SEQ 中选择。",
        "en": "{pick} is not one of the conflicting values of {entity}; choose a FEED:SEQ listed by township conflicts.",
    },
    "sync.resolved": {
        "zh": "已解决 {entity}：采用 {pick}（记录为第 {seq} 条，将随更新包发往笔记本）。",
        "en": "resolved {entity}: chose {pick} (recorded as entry {seq}; it travels to the laptops with the next kits).",
    },
    # Revocation and quarantine.
    "sync.unknown_device_id": {
        "zh": "本乡镇没有设备 {device}；用 township devices 或 status 查看设备编号。",
        "en": "this township has no device {device}; see the device ids with township status.",
    },
    "sync.already_revoked": {"zh": "设备 {device} 已被吊销。", "en": "device {device} is already revoked."},
    "sync.revoked": {
        "zh": "设备 {device} 已吊销：此后它的导出包一律拒绝；吊销会随更新包发往本村其他笔记本。",
        "en": "device {device} revoked: its future bundles are refused; the revocation travels to the village's other laptops with the next kits.",
    },
    "sync.released": {
        "zh": "记录链 {feed} 已解除隔离。",
        "en": "feed {feed} released from quarantine.",
    },
    "sync.not_quarantined": {"zh": "记录链 {feed} 没有被隔离。", "en": "feed {feed} is not quarantined."},
    "sync.empty_reason": {"zh": "请用 --reason 写明原因（不要写人名）。", "en": "give a reason with --reason (no personal names)."},
    # Kits back to laptops and receipts.
    "sync.kit_written": {
        "zh": "已为设备 {device} 写出更新包 {path}：{feeds} 条记录链，共 {entries} 条记录；回执：已收到第 {seq} 条为止。",
        "en": "refresh kit for device {device} written to {path}: {feeds} feeds, {entries} entries; receipt: received through entry {seq}.",
    },
    "sync.receipt": {
        "zh": "乡镇回执：已收到本机第 {seq} 条为止（{time}，校验值 {head}）。",
        "en": "township receipt: received through entry {seq} ({time}, head {head}).",
    },
    # County.
    "sync.county_exported": {
        "zh": "已导出乡镇总库到 {path}：{feeds} 条记录链，共 {entries} 条记录。",
        "en": "township master exported to {path}: {feeds} feeds, {entries} entries.",
    },
    "sync.township_added": {
        "zh": "已登记乡镇 {township}（签名公钥指纹 {fingerprint}）；请与乡镇电话核对指纹。",
        "en": "township {township} registered (signing key fingerprint {fingerprint}); confirm the fingerprint with the township by phone.",
    },
    "sync.bad_township_file": {
        "zh": "{file} 不是乡镇工作目录的 workspace.json 或县级导出包。",
        "en": "{file} is neither a township workspace.json nor a county bundle.",
    },
    "sync.wrong_county": {
        "zh": "乡镇 {township} 不属于本县 {county}。",
        "en": "township {township} is not in county {county}.",
    },
    "sync.bad_county_code": {
        "zh": "县级代码 {code} 不对：应为 6 位数字（行政区划代码）。",
        "en": "county code {code} is invalid: use the 6-digit administrative division code.",
    },
    "sync.township_key_changed": {
        "zh": "乡镇 {township} 已用另一把签名密钥登记；如确需更换，请先与乡镇核实。",
        "en": "township {township} is already registered with a different signing key; verify with the township before changing it.",
    },
    "sync.bad_county_file": {
        "zh": "{file} 不是县级工作目录的 workspace.json；请给出县级工作目录里的 workspace.json 或 age1… 公钥。",
        "en": "{file} is not a county workspace.json; give the county's workspace.json or its age1… key.",
    },
    # Command line help and output.
    "sync.cli.export.help": {"zh": "把本机记录导出为 U 盘导出包", "en": "export this laptop's records as a bundle for a USB stick"},
    "sync.cli.export.description": {
        "zh": "把本机的记录链写成一个导出包（*.fkb），文件名含乡镇、村、设备编号和时间。默认导出全部记录（重复合并无害）。",
        "en": "write this laptop's feed as a bundle (*.fkb) named by township, village, device id and time. By default the whole feed (merging it again is harmless).",
    },
    "sync.cli.opt.to": {"zh": "目标文件夹（如 U 盘）", "en": "target folder (e.g. the USB stick)"},
    "sync.cli.opt.since_receipt": {
        "zh": "只导出乡镇回执之后的新记录（较小；乡镇须已合并之前的全部记录）",
        "en": "only entries after the township's last receipt (smaller; the township must hold everything before)",
    },
    "sync.cli.merge.help": {"zh": "校验并合并导出包到总库", "en": "verify bundles and merge them into the master"},
    "sync.cli.merge.description": {
        "zh": "逐个校验导出包（文件或文件夹），合并通过的，把不通过的复制到 quarantine/ 并说明原因。有被拒绝的文件时返回非零。县级工作目录用同一命令合并乡镇总库（*.fkc）。",
        "en": "verify each bundle (files or folders), merge the good ones, copy the bad ones to quarantine/ with their reason. Exits non-zero if any was rejected. A county workspace merges township masters (*.fkc) with the same command.",
    },
    "sync.cli.opt.files": {"zh": "导出包文件或包含它们的文件夹", "en": "bundle files or folders holding them"},
    "sync.cli.kit.help": {"zh": "为笔记本生成更新包（含回执）", "en": "write a refresh kit (with receipt) for a laptop"},
    "sync.cli.kit.description": {
        "zh": "更新包含：本村其他设备的记录、最新名册和表单、吊销名单，以及乡镇签名的回执。笔记本用 fieldkit device import-kit 导入。",
        "en": "the kit holds the village's other devices' records, the latest roster and forms, revocations and a receipt signed by the township. The laptop imports it with fieldkit device import-kit.",
    },
    "sync.cli.opt.device": {"zh": "设备编号（d-…）", "en": "device id (d-…)"},
    "sync.cli.opt.kit_out": {"zh": "更新包写到此文件或文件夹", "en": "write the kit to this file or folder"},
    "sync.cli.revoke.help": {"zh": "吊销设备（如笔记本丢失）", "en": "revoke a device (e.g. a lost laptop)"},
    "sync.cli.opt.reason": {"zh": "原因（不要写人名）", "en": "reason (no personal names)"},
    "sync.cli.release.help": {"zh": "解除记录链的分叉隔离", "en": "release a feed from fork quarantine"},
    "sync.cli.opt.feed": {"zh": "记录链编号", "en": "feed id"},
    "sync.cli.conflicts.help": {"zh": "列出并行修改（冲突）", "en": "list concurrent edits (conflicts)"},
    "sync.cli.resolve.help": {"zh": "选定冲突的一个值", "en": "resolve a conflict by picking a value"},
    "sync.cli.opt.entity": {"zh": "实体编号，如 p:110101001001-010001-01", "en": "entity id, e.g. p:110101001001-010001-01"},
    "sync.cli.opt.pick": {"zh": "选中的值 FEED:SEQ（见 township conflicts）", "en": "the chosen value FEED:SEQ (see township conflicts)"},
    "sync.cli.export_county.help": {"zh": "把乡镇总库导出给县里", "en": "export the township master for the county"},
    "sync.cli.opt.county": {
        "zh": "县级工作目录的 workspace.json，或县级 age1… 公钥",
        "en": "the county's workspace.json, or its age1… key",
    },
    "sync.cli.opt.out": {"zh": "写到此文件或文件夹", "en": "write to this file or folder"},
    "sync.cli.county_init.help": {"zh": "新建县级工作目录", "en": "create a county workspace"},
    "sync.cli.opt.county_code": {"zh": "县级代码（6 位）", "en": "county code (6 digits)"},
    "sync.cli.opt.name": {"zh": "名称", "en": "name"},
    "sync.cli.county_init.done": {
        "zh": "已建立县级工作目录 {name}（{code}）：{path}。各乡镇导出时用 --county {info}。",
        "en": "county workspace {name} ({code}) created in {path}. Townships export with --county {info}.",
    },
    "sync.cli.add_township.help": {"zh": "县级：登记一个乡镇", "en": "county: register a township"},
    "sync.cli.opt.township_info": {"zh": "乡镇工作目录里的 workspace.json", "en": "the township's workspace.json"},
    "sync.cli.interrupted_merge": {
        "zh": "上次合并被中断，已恢复到合并前的总库。",
        "en": "the last merge was interrupted; the master before it has been restored.",
    },
}
