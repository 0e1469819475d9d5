"""The decision: the condition language, rule sets, the classifier, compilers and diffs.

`conditions` parses rule conditions without eval; `ruleset` loads and checks rule sets (with
``default_rules.toml``); `classifier` gives explained verdicts and runs a rule set's examples;
`compile` turns a rule set into dataframe expressions and SQL; `diff` compares two rule sets on
data. Import the names from `clientcustomer`.
"""
