"""The report page's inline style sheet: screen, print, and statuses that differ in more than colour.

Kept apart from the markup so the renderer stays readable. All colour pairs keep a contrast ratio
of at least 7:1 (WCAG AAA for body text); each status also has its own glyph, label and border
style, so the matrix reads the same in greyscale print or for a colour-blind reader.
"""
from __future__ import annotations

__all__ = ["CSS"]

CSS = """
:root { color-scheme: light; }
* { box-sizing: border-box; }
body {
  margin: 0 auto; max-width: 76rem; padding: 1.5rem 2rem 3rem;
  font: 15px/1.5 "DejaVu Sans", "Segoe UI", "Liberation Sans", Arial, sans-serif;
  color: #1a1a1a; background: #ffffff;
}
h1 { font-size: 1.7rem; margin: 0 0 .4rem; }
h2 { font-size: 1.3rem; margin: 2.2rem 0 .6rem; padding-bottom: .2rem; border-bottom: 2px solid #1a1a1a; }
h3 { font-size: 1.1rem; margin: 1.6rem 0 .4rem; }
h4 { font-size: 1rem; margin: 0 0 .4rem; }
p { margin: .4rem 0; }
a { color: #0b4f8a; }
code, pre {
  font-family: "DejaVu Sans Mono", Consolas, "Liberation Mono", monospace; font-size: .88em;
  background: #f2f2f2; border-radius: .2rem;
}
code { padding: 0 .2em; overflow-wrap: anywhere; }
pre { margin: 0; padding: .35rem .5rem; white-space: pre-wrap; overflow-wrap: anywhere; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0 1rem; }
caption { caption-side: top; text-align: left; font-weight: 700; padding: .2rem 0 .4rem; }
th, td { border: 1px solid #6b6b6b; padding: .3rem .5rem; text-align: left; vertical-align: top; }
thead th { background: #e6e6e6; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr.aggregate th, tr.aggregate td { background: #f4f4f4; font-weight: 700; }
tr.item th { padding-left: 1.4rem; }
#matrix th[scope=row], #rules-table th[scope=row], .loc { white-space: nowrap; }
#matrix { font-size: .95em; }
#matrix thead th { font-size: .9em; }
#matrix td.num, #matrix th.num { width: 1%; }
#matrix td.text { width: 42%; }
.facts { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1.2rem; margin: .8rem 0; }
.facts dt { font-weight: 700; }
.facts dd { margin: 0; }
.note { color: #3d3d3d; }
.verdict { font-size: 1.05rem; padding: .5rem .8rem; border: 2px solid #1a1a1a; border-radius: .3rem; margin: 1rem 0; }
nav ol { margin: .3rem 0; padding-left: 1.4rem; columns: 2; }
blockquote { margin: .4rem 0 .8rem; padding: .3rem .9rem; border-left: 4px solid #6b6b6b; background: #f7f7f7; white-space: pre-line; }
.status {
  display: inline-block; padding: 0 .45rem; border: 1px solid; border-radius: .25rem;
  font-weight: 700; white-space: nowrap;
}
.status-open { background: #fde7e7; color: #7a0000; border-color: #7a0000; border-width: 2px; }
.status-baselined { background: #fff3d1; color: #4d3300; border-color: #4d3300; }
.status-suppressed { background: #ebebf7; color: #27275c; border-color: #27275c; border-style: dashed; }
.status-mitigated { background: #e4f2e7; color: #144d19; border-color: #144d19; }
.status-no-signal { background: #ffffff; color: #2b2b2b; border-color: #6b6b6b; }
.status-not-checked { background: #ffffff; color: #3d3d3d; border-color: #3d3d3d; border-style: dotted; }
.finding { border: 1px solid #6b6b6b; border-radius: .3rem; padding: .6rem .8rem; margin: .6rem 0; }
.finding.open { border-left: 6px solid #7a0000; }
.finding dl { display: grid; grid-template-columns: 11rem 1fr; gap: .25rem 1rem; margin: 0; }
.finding dt { font-weight: 700; }
.finding dd { margin: 0; overflow-wrap: anywhere; }
footer { margin-top: 2.5rem; border-top: 1px solid #6b6b6b; padding-top: .5rem; font-size: .9rem; }
@media print {
  @page { margin: 14mm; }
  body { max-width: none; padding: 0; font-size: 9.5pt; }
  nav { display: none; }
  a { color: inherit; text-decoration: none; }
  h2, h3, h4 { break-after: avoid; page-break-after: avoid; }
  tr, .finding, blockquote { break-inside: avoid; page-break-inside: avoid; }
  thead { display: table-header-group; }
  .status, thead th, tr.aggregate th, tr.aggregate td, code, pre, blockquote {
    -webkit-print-color-adjust: exact; print-color-adjust: exact;
  }
}
"""
