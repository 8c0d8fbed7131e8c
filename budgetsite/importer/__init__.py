"""Publishing workflow: scaffold a budget folder (`new`), fill it from the files publishers have (`import`:
a workbook laid out as the published tables, or the text extracted from the budget PDF), and write a budget's
tables back to such a workbook (`export-xlsx`).

Modules, in the order data flows: layout (the standard tables as data), titles and cells (reading printed
titles and cells), text and xlsx (source file -> Document of Blocks), grid and forms (Block -> rows),
narrative, write (rows -> CSV and datapackage.json), run (the import as a whole), report; scaffold (`new`);
workbook (`export-xlsx`). Values passed between steps are frozen dataclasses (model.py).
"""
