"""Message catalogue, one module per area. Each module defines MESSAGES = {key: {"zh": ..., "en": ...}}."""
