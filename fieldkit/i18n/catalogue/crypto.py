"""Messages of the cryptography layer: age files (fieldkit.core.age) and keys (fieldkit.core.keys)."""

MESSAGES = {
    "crypto.age_header": {
        "zh": "加密文件的文件头已损坏或格式不对，无法解密；文件可能被改动、截断，或不是 age 加密文件。",
        "en": "the encrypted file's header is damaged or malformed, so it cannot be decrypted; the file may be altered, truncated or not an age file.",
    },
    "crypto.age_work_factor": {
        "zh": "口令加密文件要求的 scrypt 强度 {work_factor} 超过允许的上限 {max_work_factor}，已拒绝（防止文件把电脑拖死）。",
        "en": "the passphrase-encrypted file asks for scrypt work factor {work_factor}, above the allowed maximum {max_work_factor}; refused.",
    },
    "crypto.age_hmac": {
        "zh": "加密文件的文件头校验失败：文件被改动或损坏，已拒绝。",
        "en": "the encrypted file's header failed its integrity check: the file was altered or damaged; refused.",
    },
    "crypto.age_no_match": {
        "zh": "没有能打开此加密文件的密钥：文件不是加密给本机的，或口令错误。",
        "en": "no key can open this encrypted file: it was not encrypted to this device, or the passphrase is wrong.",
    },
    "crypto.age_payload": {
        "zh": "加密文件的内容校验失败：数据被改动、截断或损坏，已拒绝。",
        "en": "the encrypted file's content failed its integrity check: the data was altered, truncated or damaged; refused.",
    },
    "crypto.age_bad_recipient": {
        "zh": "公钥（age1…）格式不对或校验码错误，请核对后重新输入。",
        "en": "the public key (age1…) is malformed or its checksum is wrong; check it and enter it again.",
    },
    "crypto.age_bad_identity": {
        "zh": "私钥（AGE-SECRET-KEY-1…）格式不对或校验码错误；密钥可能已损坏。",
        "en": "the private key (AGE-SECRET-KEY-1…) is malformed or its checksum is wrong; the key may be damaged.",
    },
    "crypto.empty_passphrase": {
        "zh": "口令不能为空，请设置一个口令。",
        "en": "the passphrase must not be empty; choose a passphrase.",
    },
    "crypto.wrong_passphrase": {
        "zh": "口令错误，无法打开密钥文件 {path}。请重新输入（注意大小写和输入法）。",
        "en": "wrong passphrase for key file {path}. Try again (check Caps Lock and the input method).",
    },
    "crypto.keyfile_damaged": {
        "zh": "密钥文件 {path} 已损坏或不是 fieldkit 密钥文件；请用备份恢复。",
        "en": "key file {path} is damaged or not a fieldkit key file; restore it from a backup.",
    },
    "crypto.bad_signing_key": {
        "zh": "签名私钥格式不对（应为 64 位十六进制）；密钥文件可能已损坏。",
        "en": "the signing key is malformed (expected 64 hex digits); the key file may be damaged.",
    },
    "crypto.bad_public_key": {
        "zh": "签名公钥格式不对（应为 64 位十六进制），请核对。",
        "en": "the signing public key is malformed (expected 64 hex digits); check it.",
    },
    "crypto.bad_work_factor_env": {
        "zh": "环境变量 FIELDKIT_SCRYPT_WORK_FACTOR 应为 1 到 22 之间的整数，当前值无效。",
        "en": "environment variable FIELDKIT_SCRYPT_WORK_FACTOR must be an integer from 1 to 22; its value is invalid.",
    },
}
