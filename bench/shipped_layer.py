"""The layer's files as a deployment ships them: with or without their bytecode.

Lambda mounts a layer read-only, so Python cannot write the ``.pyc`` files it would otherwise
cache: a layer shipped without them has every module it imports compiled again at every cold
start. SAM's python builder leaves them out; ``layers/shared/Makefile`` compiles them.
Both copies are made here from this environment's installed distributions (the layer's pins)
and the project's package, for this interpreter.
"""

from __future__ import annotations

import compileall
import shutil
from importlib import metadata
from pathlib import Path
from py_compile import PycInvalidationMode

ROOT = Path(__file__).resolve().parents[1]
LAYER = ROOT / "layers" / "shared"


def shipped_layers(folder: Path) -> dict[str, Path]:
    """``{"without bytecode": ..., "with bytecode": ...}``: two copies of the layer's modules
    in ``folder``, the second compiled as layers/shared/Makefile compiles it."""
    bare = folder / "without-bytecode"
    for name, pinned in _pins().items():
        distribution = metadata.distribution(name)
        if distribution.version != pinned:
            raise RuntimeError(f"{name} is {distribution.version} here, not the layer's {pinned}")
        for file in distribution.files or ():
            source = Path(str(distribution.locate_file(file)))
            if file.parts[0] != ".." and "__pycache__" not in file.parts and source.is_file():
                (bare / file).parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(source, bare / file)
    shutil.copytree(
        LAYER / "tilte_webhooks",
        bare / "tilte_webhooks",
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    compiled = folder / "with-bytecode"
    shutil.copytree(bare, compiled)
    compileall.compile_dir(
        compiled, quiet=1, invalidation_mode=PycInvalidationMode.UNCHECKED_HASH, workers=0
    )
    return {"without bytecode": bare, "with bytecode": compiled}


def _pins() -> dict[str, str]:
    """Name -> version of each distribution layers/shared/requirements.txt pins."""
    lines = (LAYER / "requirements.txt").read_text(encoding="utf-8").splitlines()
    pairs = [line.split("==") for line in lines if "==" in line and not line.startswith("#")]
    return {name.strip(): version.strip() for name, version in pairs}
