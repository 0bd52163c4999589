"""The operator's guide is reachable from README.md and shows the current configuration."""

from pathlib import Path

from servicekit.config import VARIABLES, reference_markdown

ROOT = Path(__file__).resolve().parents[2]


def test_readme_links_the_operations_guide_under_its_own_heading():
    readme = (ROOT / "README.md").read_text()
    section = readme.split("\n## Operations\n", 1)[1]
    assert "(docs/operations.md)" in section.split("\n## ", 1)[0]


def test_operations_guide_holds_the_current_configuration_reference():
    guide = (ROOT / "docs" / "operations.md").read_text()
    assert reference_markdown() in guide
    assert all(f"| `{v.name}` |" in guide for v in VARIABLES)
