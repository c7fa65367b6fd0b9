"""import-linter contracts about the code that ships.

A lower app's tests may build objects of the apps above it (the customer page shows orders), so
both contracts look at the import graph without the imports *made by* test modules
(``<app>.tests``, ``testing``): the layers contract checks the shipped code's imports, and the
forbidden contract checks that shipped code never imports a test module.
"""

from importlinter.contracts.forbidden import ForbiddenContract
from importlinter.contracts.layers import LayersContract


def is_test_module(name: str) -> bool:
    parts = name.split(".")
    return parts[0] == "testing" or "tests" in parts


def drop_imports_made_by_tests(graph) -> None:
    # import-linter hands every contract its own copy of the graph, so this changes no other.
    for importer in [name for name in graph.modules if is_test_module(name)]:
        for imported in graph.find_modules_directly_imported_by(importer):
            graph.remove_import(importer=importer, imported=imported)


class ShippedLayersContract(LayersContract):
    def check(self, graph, verbose):
        drop_imports_made_by_tests(graph)
        return super().check(graph, verbose)


class ShippedForbiddenContract(ForbiddenContract):
    def check(self, graph, verbose):
        drop_imports_made_by_tests(graph)
        return super().check(graph, verbose)
