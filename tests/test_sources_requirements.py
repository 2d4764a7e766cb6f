"""Dependencies from requirements files, pyproject, setup.cfg, environment.yml, Pipfile, shells."""
from __future__ import annotations

import textwrap

import pytest

from kzai_lint.model import Span
from kzai_lint.sources.pep508 import name_from_location
from kzai_lint.sources.pep508 import parse_conda_spec
from kzai_lint.sources.requirements import normalize_name
from kzai_lint.sources.requirements import parse_pep508
from kzai_lint.sources.requirements import parse_requirements_txt
from kzai_lint.sources.requirements import pip_install_args
from kzai_lint.sources.requirements import requirements_from_environment_yml
from kzai_lint.sources.requirements import requirements_from_pipfile
from kzai_lint.sources.requirements import requirements_from_pyproject
from kzai_lint.sources.requirements import requirements_from_setup_cfg
from kzai_lint.sources.toml_doc import parse_toml
from kzai_lint.sources.yaml_doc import parse_yaml

REQUIREMENTS = textwrap.dedent(
    """\
    # Inference service
    torch==2.3.1  # pinned for CUDA 12.1
    -r base.txt
    --requirement=dev.txt
    -c constraints.txt
    --index-url https://download.pytorch.org/whl/cu121

    uvicorn[standard,http2]>=0.29 ; python_version<'3.11'
    numpy \\
        >=1.26 \\
        --hash=sha256:0123abcd
    -e git+https://github.com/serengil/deepface.git#egg=DeepFace
    -e .
    ./wheels/Face_Recognition-1.3.0-py2.py3-none-any.whl
    hsemotion @ https://example.org/hsemotion-0.3.zip
    git+https://github.com/justinshenk/fer.git@v22.5.1
    https://example.org/archive/main.zip
    Py.Feat
    """
)


def test_requirements_txt_names_and_lines() -> None:
    requirements, includes = parse_requirements_txt(REQUIREMENTS)
    assert [(r.name, r.span.line) for r in requirements] == [
        ("torch", 2),
        ("uvicorn", 8),
        ("numpy", 9),
        ("deepface", 12),
        ("face-recognition", 14),
        ("hsemotion", 15),
        ("fer", 16),
        ("py-feat", 18),
    ]
    assert includes == ["base.txt", "dev.txt", "constraints.txt"]


def test_requirement_details() -> None:
    requirements, _ = parse_requirements_txt(REQUIREMENTS)
    torch, uvicorn, numpy = requirements[:3]
    assert torch.raw == "torch==2.3.1" and torch.span == Span(2, 1, 2, 13)
    assert torch.specifier == "==2.3.1"
    assert uvicorn.extras == ("standard", "http2") and uvicorn.specifier == ">=0.29"
    assert uvicorn.marker == "python_version<'3.11'"
    assert numpy.specifier == ">=1.26" and (numpy.span.line, numpy.span.end_line) == (9, 11)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Deep_Face.Lib>=1", ("deep-face-lib", (), ">=1", "")),
        ("fer (==22.5.1)", ("fer", (), "==22.5.1", "")),
        ("a[x] @ https://h/a.whl ; os_name == 'nt'", ("a", ("x",), "", "os_name == 'nt'")),
        ("numpy 1.26", None),
        ("-r x.txt", None),
    ],
)
def test_parse_pep508(text: str, expected: object) -> None:
    assert parse_pep508(text) == expected


def test_normalize_name() -> None:
    assert normalize_name("Py__Feat.-x") == "py-feat-x"


PYPROJECT = textwrap.dedent(
    """\
    [build-system]
    requires = ["setuptools>=68"]

    [project]
    name = "kiosk"
    dependencies = [
        "deepface>=0.0.79",
        "opencv-python",
    ]

    [project.optional-dependencies]
    gpu = ["onnxruntime-gpu"]

    [dependency-groups]
    test = ["pytest", {include-group = "lint"}]

    [tool.poetry.dependencies]
    python = "^3.10"
    fer = "^22.5"
    transformers = { version = ">=4.40", extras = ["torch"] }

    [tool.poetry.group.dev.dependencies]
    hsemotion = "*"
    """
)


def test_pyproject_requirements() -> None:
    requirements = requirements_from_pyproject(parse_toml(PYPROJECT))
    assert [(r.name, r.span.line) for r in requirements] == [
        ("deepface", 7),
        ("opencv-python", 8),
        ("onnxruntime-gpu", 12),
        ("pytest", 15),
        ("fer", 19),
        ("transformers", 20),
        ("hsemotion", 23),
    ]
    fer, transformers, hsemotion = requirements[4:]
    assert fer.specifier == "^22.5" and fer.span == Span(19, 1, 19, 4)
    assert transformers.extras == ("torch",) and transformers.specifier == ">=4.40"
    assert hsemotion.specifier == ""


def test_setup_cfg_requirements() -> None:
    text = textwrap.dedent(
        """\
        [metadata]
        name = kiosk
        [options]
        packages = find:
        install_requires =
            numpy>=1.26
            # a comment
            fer==22.5.1  # pinned
        python_requires = >=3.10
        [options.extras_require]
        gpu = onnxruntime-gpu; tensorflow
        dev =
            pytest
        """
    )
    requirements = requirements_from_setup_cfg(text)
    assert [(r.name, r.span.line, r.span.column) for r in requirements] == [
        ("numpy", 6, 5),
        ("fer", 8, 5),
        ("onnxruntime-gpu", 11, 7),
        ("tensorflow", 11, 24),
        ("pytest", 13, 5),
    ]
    assert requirements[1].raw == "fer==22.5.1" and requirements[1].span.end_column == 16


def test_environment_yml_requirements() -> None:
    text = textwrap.dedent(
        """\
        name: emotion
        channels: [conda-forge]
        dependencies:
          - python=3.11
          - numpy=1.26
          - conda-forge::pytorch >=2.1
          - pip
          - pip:
              - deepface==0.0.79
              - -r requirements-extra.txt
              - git+https://github.com/elliottzheng/face-detection.git#egg=face_detection
        """
    )
    requirements = requirements_from_environment_yml(parse_yaml(text)[0])
    assert [(r.name, r.specifier, r.span.line) for r in requirements] == [
        ("python", "=3.11", 4),
        ("numpy", "=1.26", 5),
        ("pytorch", ">=2.1", 6),
        ("pip", "", 7),
        ("deepface", "==0.0.79", 9),
        ("face-detection", "", 11),
    ]


def test_pipfile_requirements() -> None:
    text = (
        '[packages]\nfer = "*"\nDeepFace = {version = "==0.0.79"}\n'
        '\n[dev-packages]\npytest = ">=8"\n'
    )
    requirements = requirements_from_pipfile(parse_toml(text))
    assert [(r.name, r.specifier, r.span.line) for r in requirements] == [
        ("fer", "", 2),
        ("deepface", "==0.0.79", 3),
        ("pytest", ">=8", 6),
    ]


@pytest.mark.parametrize(
    ("command", "names"),
    [
        ("pip install -U fer==22.5.1 'deepface>=0.0.9' -r req.txt", ["fer", "deepface"]),
        ("python -m pip install --index-url https://x/simple uvicorn[standard]", ["uvicorn"]),
        ("{sys.executable} -m pip install -q hsemotion 2>/dev/null", ["hsemotion"]),
        ("conda install -y -c conda-forge py-feat=0.6 numpy", ["py-feat", "numpy"]),
        ("uv pip install deepface; pip3.11 install fer && echo done", ["deepface", "fer"]),
        ("pip install -e . git+https://github.com/serengil/deepface.git", ["deepface"]),
        ("pip install 'unbalanced", []),
        ("echo pip is great", []),
        ("poetry add transformers", ["transformers"]),
    ],
)
def test_pip_install_args(command: str, names: list[str]) -> None:
    assert pip_install_args(command) == names


@pytest.mark.parametrize(
    ("location", "name"),
    [
        ("git+https://github.com/serengil/deepface.git@v0.0.79", "deepface"),
        ("https://host/x.tar.gz#egg=Py_Feat", "py-feat"),
        ("./dist/hsemotion_onnx-0.3.1.tar.gz", "hsemotion-onnx"),
        ("https://example.org/archive/main.zip", None),
    ],
)
def test_name_from_location(location: str, name: str | None) -> None:
    assert name_from_location(location) == name


def test_parse_conda_spec() -> None:
    assert parse_conda_spec("conda-forge::PyTorch >=2.1") == ("pytorch", ">=2.1")
    assert parse_conda_spec("numpy=1.26=py311h") == ("numpy", "=1.26=py311h")
    assert parse_conda_spec("=oops") is None
