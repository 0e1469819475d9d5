#!/usr/bin/env bash
# Mutation testing with mutmut: does the test suite notice when the code is broken?
#
#   bash scripts/mutation.sh [TARGET...]      TARGET: conditions, classifier, decision, lifecycle
#                                              (default: all)
#
# For each target the module is copied into a scratch folder with the tests, mutmut makes every
# small change it knows (an operator flipped, a constant changed, a branch removed...) and runs the
# tests that reach the changed function; a mutant the tests do not fail on "survives". The script
# prints, per target, killed / survived / other and the score (killed / (killed + survived)), then
# the names of the survivors (`mutmut show NAME` in the scratch folder prints a survivor's diff).
#
# It is slow and CPU-heavy (minutes per module): it is not part of CI. MUTMUT_CHILDREN sets how
# many tests run at once (default 2); KEEP=1 keeps the scratch folder and prints where it is.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT="$PWD"
PYTHON="${PYTHON:-python}"
CHILDREN="${MUTMUT_CHILDREN:-2}"

# target -> the module mutated and the tests that check it (the targeted tests only). A test that
# sets @settings(...) itself fails mutmut's clean run (differing_executors): keep such files out.
declare -A MODULE=(
    [conditions]="src/clientcustomer/rules/conditions.py"
    [classifier]="src/clientcustomer/rules/classifier.py"
    [decision]="src/clientcustomer/rules/decision.py"
    [lifecycle]="src/clientcustomer/lifecycle/machine.py"
)
declare -A TESTS=(
    [conditions]="tests/test_conditions.py tests/test_operators.py tests/test_rules.py"
    [classifier]="tests/test_classify.py tests/test_operators.py tests/test_hmut_classifier.py"
    [decision]="tests/test_classify.py tests/test_operators.py tests/test_hmut_classifier.py"
    [lifecycle]="tests/test_lifecycle.py tests/test_lifecycle_stateful.py tests/test_hmut_lifecycle.py"
)

# target -> the functions mutated (fnmatch patterns on mutmut's names): the semantic core, so that
# a run takes minutes, not hours. MUTANTS_<TARGET>="*" mutates the whole module. mutmut does not
# mutate decorated functions (properties such as Classification.leanings). classifier: the
# decision tables (_outcome), the reference interpreter (_score, _pick), the lazy explanation,
# evidence, explain() and the keys and streams of classify/classify_many; decision: the generated
# decision function (rules/decision.py); lifecycle: the guards, the history checks, the event's
# evaluation and corrections.
declare -A MUTANTS=(
    [conditions]="*.x_compile_condition__* *.x__name_literal__* *.x__compile_compare__* *.x__compile_and__* *.x__compile_or__* *.x_evaluate__* *.x__as_bool__* *.x__literal_key__* *Literal*__eq__*"
    [classifier]="*ǁClassifierǁ__init__* *ǁClassifierǁ_outcome__* *ǁClassifierǁ_explanation__* *ǁClassifierǁ_entry__* *ǁClassifierǁ_skipped__* *ǁClassifierǁ_known__* *ǁClassifierǁclassify__* *ǁClassifierǁclassify_many__* *ǁClassifierǁ_unknown__* *ǁClassifierǁ_score__* *ǁClassifierǁ_pick__* *ǁClassificationǁexplain__* *.x__classification__* *.x__evidence_of__* *.x__plain_signals__* *.x__materialize__* *ǁ_Explainerǁexplain__* *ǁEvidenceǁ__str__*"
    [decision]="*"
    [lifecycle]="*.x_history_problems__* *.x_stage_as_of__* *.x_engaged_or_confirmed__* *.x_engagement_current__* *.x_lapsed__* *.x__lapse_reasons__* *ǁGuardContextǁactive__* *ǁLifecycleǁcan__* *ǁLifecycleǁfire__* *ǁLifecycleǁcorrect__* *ǁLifecycleǁ_evaluate__* *ǁLifecycleǁ_table_target__* *.x__correction_problems__* *.x__default_reason__*"
)

targets=("$@")
if [ "${#targets[@]}" -eq 0 ]; then
    targets=(conditions classifier decision lifecycle)
fi

for target in "${targets[@]}"; do
    module="${MODULE[$target]:-}"
    # MUTATE_<TARGET>=path and TESTS_<TARGET>="..." override the defaults (e.g. an older layout).
    override="MUTATE_${target^^}"
    module="${!override:-$module}"
    tests_override="TESTS_${target^^}"
    TESTS[$target]="${!tests_override:-${TESTS[$target]:-}}"
    mutants_override="MUTANTS_${target^^}"
    MUTANTS[$target]="${!mutants_override:-${MUTANTS[$target]:-*}}"
    if [ -z "$module" ]; then
        echo "unknown target '$target' (expected: ${!MODULE[*]})" >&2
        exit 2
    fi
    work="$(mktemp -d "${TMPDIR:-/tmp}/clientcustomer-mutation.XXXXXX")"
    cp -R src tests docs pyproject.toml "$work/"  # some tests read the docs
    # mutmut reads [mutmut] from setup.cfg when pyproject.toml has no [tool.mutmut] table.
    {
        echo "[mutmut]"
        echo "source_paths=src"
        echo "also_copy="
        echo "    docs"
        echo "only_mutate=*${module#src/}"
        echo "pytest_add_cli_args_test_selection="
        for test in ${TESTS[$target]}; do
            [ -e "$test" ] && echo "    $test"
        done
        echo "pytest_add_cli_args="
        echo "    -p"
        echo "    no:cacheprovider"
        echo "    -o"
        echo "    addopts="
        echo "    -x"
        echo "    -q"
    } >"$work/setup.cfg"
    echo "==> $target: mutating $module"
    (
        cd "$work"
        export HYPOTHESIS_PROFILE="${HYPOTHESIS_PROFILE:-mutation}"
        read -r -a patterns <<<"${MUTANTS[$target]}"
        if [ "${patterns[*]}" = "*" ]; then patterns=(); fi
        "$PYTHON" -m mutmut run --max-children "$CHILDREN" "${patterns[@]}" >"$work/run.log" 2>&1 || true
        "$PYTHON" -m mutmut results --all true >"$work/results.txt" 2>&1 || true
        "$PYTHON" - "$target" "$work/results.txt" "${MUTANTS[$target]}" <<'EOF'
import collections
import fnmatch
import sys

target, path, patterns = sys.argv[1], sys.argv[2], sys.argv[3].split()
counts = collections.Counter()
survivors = []
for line in open(path, encoding="utf-8"):
    name, _, status = line.strip().rpartition(": ")
    if not name or not any(fnmatch.fnmatch(name, pattern) for pattern in patterns):
        continue
    counts[status] += 1
    if status == "survived":
        survivors.append(name)
killed, survived = counts["killed"], counts["survived"]
other = sum(counts.values()) - killed - survived
score = 100 * killed / (killed + survived) if killed + survived else 0.0
print(f"{target}: {killed} killed, {survived} survived, {other} other {dict(counts)}; "
      f"score {score:.1f} %")
for name in survivors:
    print(f"    survived: {name}")
EOF
    )
    if [ "${KEEP:-0}" = "1" ]; then
        echo "    (kept: $work)"
    else
        rm -rf "$work"
    fi
done
