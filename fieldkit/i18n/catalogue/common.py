MESSAGES = {
    "error.prefix": {"zh": "错误", "en": "error"},
    "error.unexpected": {
        "zh": "意外错误（{kind}），数据未改动。请把此行报告给乡镇技术人员。",
        "en": "unexpected error ({kind}); nothing was changed. Report this line to the township's technical contact.",
    },
    "io.disk_full": {
        "zh": "磁盘已满，无法写入 {path}；原有数据未改动。请腾出空间后重试。",
        "en": "disk full while writing {path}; the previous data is intact. Free some space and try again.",
    },
    "io.write_failed": {
        "zh": "无法写入 {path}（{reason}）；原有数据未改动。",
        "en": "cannot write {path} ({reason}); the previous data is intact.",
    },
    "io.read_failed": {
        "zh": "无法读取 {path}（{reason}）。",
        "en": "cannot read {path} ({reason}).",
    },
    "io.not_found": {
        "zh": "找不到文件 {path}。请检查路径。",
        "en": "file not found: {path}. Check the path.",
    },
    "io.outside_workspace": {
        "zh": "路径 {path} 不在工作目录内，已拒绝。",
        "en": "path {path} is outside the workspace; refused.",
    },
}
