"""The indicators app's pages, one module per reason to change.

- `updates`: the home page, My updates, the action and indicator update forms, bulk entry
- `review`: the approvers' queue and their decisions on every kind of entry
- `rounds`: the performance team opening, locking and reopening reporting rounds
- `risks`: risk registers and the owner's quarterly review of a risk
- `benchmarking`: benchmarking settings (our council, the national row, family groups)
- `imports`: spreadsheet imports: upload, check, preview, confirm

Views stay thin: who may do what is asked of `indicators.permissions`, every state change
goes through `indicators.workflow`.
"""
