"""Mutation testing of the hidden tests (autograder/mutants.py).

The operators produce the mutants the course cares about, every recorded equivalent mutant still
exists and has a reason, and a deterministic sample of each assignment's mutants, graded by the
real autograder, loses points unless recorded as equivalent. `make mutants` grades them all.
"""

import pytest
from helpers.class_grading import MUTANT_SAMPLE

from autograder.assignments import assignment_names
from autograder.mutants import assignment_mutants, cell_mutants, equivalent_mutants, sample, survivors


def descriptions(source):
    return {mutant.description for mutant in cell_mutants("cell", source)}


def test_pytorch_aware_operators():
    found = descriptions(
        "class Block(nn.Module):\n"
        "    def __init__(self):\n"
        "        super().__init__()\n"
        "        self.main = nn.Sequential(nn.Conv2d(4, 8, 3, padding=1, bias=False), nn.BatchNorm2d(8), nn.ReLU(),\n"
        "                                  nn.MaxPool2d(2), nn.Dropout(0.5))\n"
        "    def forward(self, x):\n"
        "        return torch.relu(torch.cat([self.main(x), x], dim=1) + x)\n"
    )
    assert {
        "drop ReLU",
        "drop MaxPool2d",
        "drop BatchNorm2d",
        "drop Dropout",
        "add a ReLU after Conv2d",
        "MaxPool2d -> AvgPool2d",
        "relu(x) -> x",
        "Conv2d padding changed",
        "Conv2d bias=True",
        "Conv2d argument 3 changed",
        "Dropout argument 1 changed",
        "concatenate along another axis",
        "drop the right operand of +",
        "relu -> tanh",
        "Add -> Sub",
    } <= found
    assert any(text.startswith("swap nn.Conv2d") for text in found)


def test_mutants_are_distinct_and_their_ids_stable():
    mutants = assignment_mutants("resnet")
    assert len({m.source for m in mutants}) == len(mutants) == len({m.id for m in mutants})
    assert [m.id for m in assignment_mutants("resnet")] == [m.id for m in mutants]
    assert sample(mutants, 5) == sample(mutants, 5) and len(sample(mutants, 5)) == 5


@pytest.mark.parametrize("assignment", assignment_names())
def test_recorded_equivalent_mutants_exist_and_say_why(assignment):
    ids = {m.id for m in assignment_mutants(assignment)}
    for identifier, why in equivalent_mutants(assignment).items():
        assert identifier in ids, f"{identifier} is recorded as equivalent but is no longer a mutant of {assignment}"
        assert isinstance(why, str) and len(why) > 10, identifier


@pytest.mark.slow
@pytest.mark.parametrize("assignment", assignment_names())
def test_a_sample_of_mutants_loses_points(assignment, class_grades):
    graded = class_grades(assignment)
    assert len(graded.mutants) == MUTANT_SAMPLE
    surviving, _ = survivors(assignment, graded.mutant_results())
    described = {m.id: m.description for m in graded.mutants}
    assert not surviving, {identifier: described[identifier] for identifier in surviving}
