"""The report officials circulate (通报 / 调度表): its content model built from a checkpoint and
its projection (`model`), the words it is written in (`words`), its charts (`charts`), and its
renderers: one self-contained HTML file (`html`) and the Excel 调度表 (`xlsx`)."""
