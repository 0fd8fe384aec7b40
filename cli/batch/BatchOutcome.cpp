#include "cli/batch/BatchOutcome.h"

namespace sem::cli {

const char* BatchOutcome::statusName(Status s)
{
    switch (s) {
    case Done: return "done";
    case Skipped: return "skipped";
    case Failed: return "failed";
    case NotRun: return "not_run";
    }
    return "unknown";
}

}  // namespace sem::cli
