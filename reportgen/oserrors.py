"""Operating-system errors in plain Chinese, by errno: never ``Not a directory`` in a message.

The text the C library gives (``exc.strerror``) is English and depends on the locale, so
messages name the class of the error instead; an errno not listed here still gets a Chinese
sentence with its symbolic name, which is what a support person searches for.
"""

from __future__ import annotations

import errno

_REASONS = {
    errno.ENOENT: "文件或文件夹不存在",
    errno.EACCES: "没有权限",
    errno.EPERM: "没有权限",
    errno.EROFS: "文件系统是只读的",
    errno.ENOSPC: "磁盘空间不足",
    errno.EDQUOT: "磁盘配额已用完",
    errno.EISDIR: "这是一个文件夹，不是文件",
    errno.ENOTDIR: "路径中有一段不是文件夹",
    errno.ELOOP: "符号链接过多或循环链接",
    errno.ENAMETOOLONG: "文件名过长",
    errno.EMFILE: "同时打开的文件过多",
    errno.ENFILE: "同时打开的文件过多",
    errno.EIO: "读写设备出错",
    errno.ENXIO: "设备不存在或未就绪",
    errno.ENODEV: "设备不存在",
    errno.EBUSY: "文件正被占用",
    errno.ETXTBSY: "文件正被占用",
    errno.EEXIST: "文件已存在",
    errno.EXDEV: "不能跨文件系统移动",
    errno.EFBIG: "文件过大",
    errno.EINVAL: "参数无效",
    errno.EAGAIN: "暂时无法读取",
    errno.EINTR: "操作被中断",
    errno.ENOMEM: "内存不足",
}

#: Where writing gives the same errno a more precise meaning (the target's folder).
_WRITE_REASONS = {
    errno.ENOENT: "文件夹不存在",
    errno.EACCES: "没有写入权限",
    errno.EPERM: "没有写入权限",
    errno.EISDIR: "目标是一个文件夹",
}


def reason(exc: OSError, writing: bool = False) -> str:
    """A short Chinese reason for ``exc`` (``无法读取文件：路径中有一段不是文件夹``)."""
    code = exc.errno
    if writing and code in _WRITE_REASONS:
        return _WRITE_REASONS[code]
    if code in _REASONS:
        return _REASONS[code]
    name = errno.errorcode.get(code or 0)
    return f"系统错误（{name}）" if name else "系统错误"
