// The exact JSON form of a group's statistics records (group_statistics.hpp) for the trip to
// rank 0 and the progress files.
#pragma once

#include <vector>

#include "io/json.hpp"
#include "pipeline/group_statistics.hpp"

namespace cartography::pipeline {

io::Json records_to_json(const GroupRecords& r);
GroupRecords records_from_json(const io::Json& j);

}  // namespace cartography::pipeline
