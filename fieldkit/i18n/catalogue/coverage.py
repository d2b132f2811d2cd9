MESSAGES = {
    "coverage.status.covered": {"zh": "已覆盖", "en": "covered"},
    "coverage.status.partial": {"zh": "部分覆盖", "en": "partly covered"},
    "coverage.status.not_visited": {"zh": "未走访", "en": "not visited"},
    "coverage.status.empty": {"zh": "空挂", "en": "registered, nobody living there"},
    "coverage.status.moved_out": {"zh": "已迁出", "en": "moved out"},
    "coverage.to_do": {"zh": "待覆盖", "en": "to do"},
    "coverage.app_rate": {"zh": "国家反诈中心APP安装率", "en": "anti-fraud app install rate"},
    "coverage.meets_target": {"zh": "达标（≥{target}%）", "en": "target met (≥{target}%)"},
    "coverage.below_target": {"zh": "未达标（目标≥{target}%）", "en": "below target (≥{target}%)"},
}
