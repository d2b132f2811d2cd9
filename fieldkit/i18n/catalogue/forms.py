"""Messages for surveys/ problems: one ``forms.<code>`` per code in surveys.problems.

Form problems (``Problem``): render the place and the message,
    t("forms.location", file=p.file, line=p.line) + ": " + t("forms." + p.code, **p.params)
Answer problems (``AnswerProblem``): ``t("forms." + p.code, **p.all_params())``; the app may pass the
question's label instead of its id: ``{**p.all_params(), "question": label}``.
"""

MESSAGES = {
    "forms.location": {"zh": "{file} 第 {line} 行", "en": "{file}, line {line}"},
    "forms.invalid": {
        "zh": "表单 {file} 有 {count} 处错误，未载入。第一处：{first}",
        "en": "form {file} has {count} mistake(s) and was not loaded. First: {first}",
    },
    # --- reading and YAML ---
    "forms.file_unreadable": {
        "zh": "无法读取表单文件（{reason}）。请检查路径和权限。",
        "en": "cannot read the form file ({reason}). Check the path and permissions.",
    },
    "forms.not_utf8": {
        "zh": "表单文件不是 UTF-8 编码。请另存为 UTF-8 后重试。",
        "en": "the form file is not UTF-8. Save it as UTF-8 and try again.",
    },
    "forms.too_large": {
        "zh": "表单文件过大（上限 {limit} 字节）。",
        "en": "the form file is too large (limit {limit} bytes).",
    },
    "forms.empty_file": {"zh": "表单文件是空的。", "en": "the form file is empty."},
    "forms.yaml_syntax": {
        "zh": "YAML 格式错误（{detail}）。请检查缩进、冒号和括号。",
        "en": "YAML syntax error ({detail}). Check indentation, colons and brackets.",
    },
    "forms.forbidden_tag": {
        "zh": "不允许使用标签 {tag}：表单只能写普通数据，此内容未被执行。请删除该标签。",
        "en": "tag {tag} is not allowed: forms hold plain data only, and it was not executed. Remove the tag.",
    },
    "forms.merge_key": {
        "zh": "不支持 YAML 合并键（<<）。请把各字段直接写出来。",
        "en": "YAML merge keys (<<) are not supported. Write the fields out.",
    },
    "forms.recursive_alias": {
        "zh": "YAML 别名引用了它自己。请去掉循环的锚点（&）/别名（*）。",
        "en": "a YAML alias refers to itself. Remove the circular anchor (&) / alias (*).",
    },
    "forms.too_many_nodes": {
        "zh": "YAML 内容过多（超过 {limit} 项），多半是别名展开过多。请精简表单。",
        "en": "too much YAML content (over {limit} items), probably from alias expansion. Simplify the form.",
    },
    "forms.complex_key": {"zh": "键必须是简单的文字。", "en": "keys must be plain text."},
    "forms.duplicate_key": {
        "zh": "键 {key} 重复出现。请删除重复的一项。",
        "en": "key {key} appears twice. Remove one of them.",
    },
    # --- shape of fields ---
    "forms.expected_mapping": {
        "zh": "{field} 应为键值映射（key: value）。",
        "en": "{field} must be a mapping (key: value).",
    },
    "forms.expected_list": {
        "zh": "{field} 应为列表（每项以“- ”开头）。",
        "en": "{field} must be a list (items starting with \"- \").",
    },
    "forms.expected_text": {
        "zh": "{field} 应为文字（yes/no/on/off、数字和日期请加引号）。",
        "en": "{field} must be text (put yes/no/on/off, numbers and dates in quotes).",
    },
    "forms.expected_int": {"zh": "{field} 应为整数。", "en": "{field} must be a whole number."},
    "forms.expected_bool": {"zh": "{field} 应为 true 或 false。", "en": "{field} must be true or false."},
    "forms.missing_field": {"zh": "缺少 {field}。请补上。", "en": "{field} is missing. Add it."},
    "forms.unknown_field": {
        "zh": "未知字段 {field}（拼写错误？）。请改正或删除。",
        "en": "unknown field {field} (a typo?). Correct or remove it.",
    },
    "forms.missing_language": {
        "zh": "{field} 缺少 {lang} 文本（中文 zh 和英文 en 都要写）。",
        "en": "{field} has no {lang} text (both zh and en are needed).",
    },
    "forms.bad_id": {
        "zh": "{field} 的值 {value} 不合规：只能用小写字母、数字和下划线，且以字母开头。",
        "en": "{field} value {value} is not allowed: use lower-case letters, digits and _, starting with a letter.",
    },
    "forms.bad_version": {
        "zh": "version 应为不小于 1 的整数。",
        "en": "version must be a whole number of at least 1.",
    },
    "forms.unknown_applies_to": {
        "zh": "applies_to 的值 {value} 无效，可选：{allowed}。",
        "en": "applies_to {value} is not valid; use one of: {allowed}.",
    },
    # --- questions ---
    "forms.no_questions": {"zh": "表单没有任何问题。请在 questions 下添加。", "en": "the form has no questions. Add some under questions."},
    "forms.unknown_type": {
        "zh": "问题 {question} 的类型 {type} 无效，可选：{allowed}。",
        "en": "question {question} has unknown type {type}; use one of: {allowed}.",
    },
    "forms.duplicate_id": {
        "zh": "问题编号 {question} 重复（第 {first_line} 行已用过）。请换一个编号。",
        "en": "question id {question} is used twice (first on line {first_line}). Pick another id.",
    },
    "forms.reserved_id": {
        "zh": "问题编号 {question} 是保留字。请换一个编号。",
        "en": "question id {question} is reserved. Pick another id.",
    },
    "forms.choices_missing": {
        "zh": "问题 {question} 是选择题，但没有选项（choices）。请添加选项。",
        "en": "question {question} is a choice question without choices. Add them.",
    },
    "forms.choices_not_allowed": {
        "zh": "问题 {question} 的类型是 {type}，不能有选项（choices）。",
        "en": "question {question} is of type {type} and cannot have choices.",
    },
    "forms.duplicate_choice": {
        "zh": "问题 {question} 的选项值 {value} 重复。",
        "en": "question {question} has choice value {value} twice.",
    },
    "forms.min_max_not_allowed": {
        "zh": "问题 {question} 的类型是 {type}；min/max 只能用于整数（int）题。",
        "en": "question {question} is of type {type}; min/max only apply to int questions.",
    },
    "forms.min_above_max": {
        "zh": "问题 {question} 的 min 大于 max。",
        "en": "question {question} has min greater than max.",
    },
    "forms.per_member_not_allowed": {
        "zh": "问题 {question} 设了 per_member，但本表适用于 {applies_to}；只有 household 表可以逐人提问。",
        "en": "question {question} is per_member but the form applies to {applies_to}; only household forms ask per member.",
    },
    # --- relevance conditions ---
    "forms.condition_shape": {
        "zh": "问题 {question} 的 relevant 条件写法不对：应为 {{question: …, equals/in/includes/answered: …}} 或 {{all/any/not: …}}。",
        "en": "question {question} has a malformed relevant condition: use {{question: …, equals/in/includes/answered: …}} or {{all/any/not: …}}.",
    },
    "forms.condition_unknown_question": {
        "zh": "问题 {question} 的条件引用了不存在的问题 {ref}。",
        "en": "question {question}'s condition names an unknown question {ref}.",
    },
    "forms.condition_operator": {
        "zh": "问题 {question} 的条件对 {ref}（{type} 题）不能用 {operator}：多选题用 includes，其他题用 equals 或 in。",
        "en": "question {question}'s condition cannot use {operator} on {ref} ({type}): use includes for multi, equals or in otherwise.",
    },
    "forms.condition_value": {
        "zh": "问题 {question} 的条件中，{ref} 的取值与该题的类型或选项不符。",
        "en": "question {question}'s condition compares {ref} with a value that does not fit its type or choices.",
    },
    "forms.condition_member_scope": {
        "zh": "户级问题 {question} 的条件不能引用逐人问题 {ref}。",
        "en": "household question {question}'s condition cannot name the per-member question {ref}.",
    },
    "forms.condition_cycle": {
        "zh": "问题 {question} 的出现条件循环依赖自身。请打破循环。",
        "en": "question {question}'s condition depends on itself in a loop. Break the loop.",
    },
    "forms.contract_question": {
        "zh": "此表单必须保留问题 {question}（{expected}），记录和统计依赖它。",
        "en": "this form must keep question {question} ({expected}); records and reports depend on it.",
    },
    # --- answers ---
    "forms.answers_not_mapping": {
        "zh": "答案格式不对（应为“问题→答案”）。",
        "en": "answers are malformed (expected question → answer).",
    },
    "forms.members_not_mapping": {
        "zh": "成员答案格式不对（应为“成员→答案”）。",
        "en": "member answers are malformed (expected member → answers).",
    },
    "forms.members_not_allowed": {
        "zh": "本表没有逐人问题，却填了成员答案。",
        "en": "this form has no per-member questions, but member answers were given.",
    },
    "forms.member_answers_not_mapping": {
        "zh": "成员 {member} 的答案格式不对。",
        "en": "the answers for member {member} are malformed.",
    },
    "forms.answer_unknown_member": {
        "zh": "成员 {member} 不是本户成员。",
        "en": "{member} is not a member of this household.",
    },
    "forms.answer_unknown_question": {
        "zh": "表单中没有问题 {question}。",
        "en": "the form has no question {question}.",
    },
    "forms.answer_wrong_scope": {
        "zh": "“{question}”填错了位置：户级问题与逐人问题不能混填。",
        "en": "\"{question}\" is in the wrong place: household and per-member answers are separate.",
    },
    "forms.answer_required": {"zh": "“{question}”必须填写。", "en": "\"{question}\" is required."},
    "forms.answer_not_relevant": {
        "zh": "“{question}”在当前情况下不用填写。请清空。",
        "en": "\"{question}\" does not apply here. Clear it.",
    },
    "forms.answer_not_bool": {"zh": "“{question}”应为 是/否。", "en": "\"{question}\" must be yes or no."},
    "forms.answer_not_int": {"zh": "“{question}”应为整数。", "en": "\"{question}\" must be a whole number."},
    "forms.answer_not_text": {"zh": "“{question}”应为文字。", "en": "\"{question}\" must be text."},
    "forms.answer_not_choice": {
        "zh": "“{question}”的答案不在选项中（可选：{allowed}）。",
        "en": "\"{question}\" must be one of: {allowed}.",
    },
    "forms.answer_not_multi": {
        "zh": "“{question}”只能从选项中选择（可选：{allowed}）。",
        "en": "\"{question}\" must be chosen from: {allowed}.",
    },
    "forms.answer_duplicate_choice": {
        "zh": "“{question}”同一选项选了两次。",
        "en": "\"{question}\" has the same choice twice.",
    },
    "forms.answer_below_min": {"zh": "“{question}”不能小于 {min}。", "en": "\"{question}\" cannot be less than {min}."},
    "forms.answer_above_max": {"zh": "“{question}”不能大于 {max}。", "en": "\"{question}\" cannot be more than {max}."},
    "forms.answer_bad_date": {
        "zh": "“{question}”应为日期，格式 年-月-日（如 2026-11-29）。",
        "en": "\"{question}\" must be a date as YYYY-MM-DD (e.g. 2026-11-29).",
    },
    "forms.answer_bad_phone": {
        "zh": "“{question}”不是有效的手机号：应为 11 位数字，以 13–19 开头。",
        "en": "\"{question}\" is not a valid mobile number: 11 digits starting 13–19.",
    },
    "forms.answer_bad_id_number": {
        "zh": "“{question}”不是有效的公民身份号码：应为 18 位（末位可为 X），出生日期和校验码须正确。",
        "en": "\"{question}\" is not a valid ID number: 18 characters (last may be X) with a real birth date and correct check digit.",
    },
}
