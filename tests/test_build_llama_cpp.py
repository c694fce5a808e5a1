"""tools/build_llama_cpp.py: which instruction sets the llama.cpp build is made for."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

TOOL = Path(__file__).resolve().parent.parent / "tools" / "build_llama_cpp.py"


@pytest.fixture(scope="module")
def tool() -> ModuleType:
    spec = importlib.util.spec_from_file_location("build_llama_cpp", TOOL)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("build_llama_cpp", module)
    spec.loader.exec_module(module)
    return module


def cpuinfo(*flags: str) -> str:
    line = "flags\t\t: fpu sse sse2 " + " ".join(flags)
    return f"processor\t: 0\nmodel name\t: Some CPU\n{line}\n\nprocessor\t: 1\n{line}\n"


AVX512_ALL = ("avx512f", "avx512cd", "avx512vl", "avx512dq", "avx512bw")


def options(args: str) -> set[str]:
    return set(args.split())


def test_a_cpu_with_avx512_and_vnni_gets_them_and_never_amx(tool: ModuleType) -> None:
    info = cpuinfo("avx", "avx2", "fma", "f16c", "bmi2", *AVX512_ALL, "avx512_vnni",
                   "avx512vbmi", "avx_vnni", "amx_tile", "amx_int8", "amx_bf16")  # fmt: skip
    got = options(tool.isa_args("x86_64", info))
    assert {"-DGGML_NATIVE=OFF", "-DGGML_AVX2=ON", "-DGGML_AVX512=ON",
            "-DGGML_AVX512_VNNI=ON", "-DGGML_AVX512_VBMI=ON", "-DGGML_AVX_VNNI=ON"} <= got  # fmt: skip
    assert not any("AMX" in o for o in got)
    assert "-DGGML_AVX512_BF16=ON" not in got  # this CPU does not have it


def test_avx512_extensions_without_the_whole_of_avx512_are_left_out(tool: ModuleType) -> None:
    info = cpuinfo("avx", "avx2", "fma", "f16c", "avx512f", "avx512_vnni")  # no avx512bw etc.
    got = options(tool.isa_args("x86_64", info))
    assert "-DGGML_AVX2=ON" in got
    assert not any("AVX512" in o for o in got)


def test_an_avx2_cpu_gets_avx2_only(tool: ModuleType) -> None:
    got = options(tool.isa_args("x86_64", cpuinfo("avx", "avx2", "fma", "f16c", "bmi2")))
    assert got == {"-DGGML_NATIVE=OFF", "-DGGML_AVX=ON", "-DGGML_AVX2=ON", "-DGGML_FMA=ON",
                   "-DGGML_F16C=ON", "-DGGML_BMI2=ON"}  # fmt: skip


def test_unknown_or_older_x86_cpus_get_the_portable_set(tool: ModuleType) -> None:
    assert tool.isa_args("x86_64", None) == tool.PORTABLE_X86
    assert tool.isa_args("AMD64", cpuinfo("avx")) == tool.PORTABLE_X86


def test_other_architectures_keep_llama_cpps_default(tool: ModuleType) -> None:
    assert tool.isa_args("aarch64", cpuinfo("neon", "dotprod")) == ""


def test_cmake_args_given_by_the_user_win_and_keep_the_edit(
    tool: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CMAKE_ARGS", "-DGGML_NATIVE=ON")
    assert tool.cmake_args() == f"-DGGML_NATIVE=ON {tool.EXTRA_CMAKE}"
    monkeypatch.delenv("CMAKE_ARGS")
    assert tool.cmake_args().endswith(tool.EXTRA_CMAKE)


def test_the_cache_key_follows_the_instruction_sets(
    tool: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CMAKE_ARGS", tool.isa_args("x86_64", cpuinfo("avx", "avx2", "fma", "f16c")))
    avx2 = tool.build_key()
    monkeypatch.setenv(
        "CMAKE_ARGS", tool.isa_args("x86_64", cpuinfo("avx", "avx2", "fma", "f16c", *AVX512_ALL))
    )
    assert tool.build_key() != avx2


def test_the_cache_key_follows_the_edits(tool: ModuleType, monkeypatch: pytest.MonkeyPatch) -> None:
    before = tool.build_key()
    (name, old, new), *rest = tool.EDITS
    monkeypatch.setattr(tool, "EDITS", ((name, old, new + "// another edit\n"), *rest))
    assert tool.build_key() != before


def test_the_edits_replace_their_text_once_and_refuse_another_source(
    tool: ModuleType, tmp_path: Path
) -> None:
    for name, old, _ in tool.EDITS:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        before = path.read_text() if path.exists() else "// the top of the file\n"
        path.write_text(before + old + "// the rest\n")
    tool.apply_edits(tmp_path)
    for name, _, new in tool.EDITS:
        assert new in (tmp_path / name).read_text()
    (name, _, _), *_ = tool.EDITS
    (tmp_path / name).write_text("// a source the edits were not written for\n")
    with pytest.raises(SystemExit, match="not the text the edits expect"):
        tool.apply_edits(tmp_path)
