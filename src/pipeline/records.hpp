// What crosses between ranks: scans, groups and group outcomes (without their big arrays),
// as JSON values packed to CBOR. Doubles travel bit-exactly, so rank 0 sees what the owner saw.
#pragma once

#include <string>
#include <vector>

#include "catalog/index.hpp"
#include "catalog/registry.hpp"
#include "io/json.hpp"
#include "pipeline/group_job.hpp"

namespace cartography::catalog {
void to_json(io::Json& j, const ArchiveMeta& v);
void from_json(const io::Json& j, ArchiveMeta& v);
void to_json(io::Json& j, const ArchiveScan& v);
void from_json(const io::Json& j, ArchiveScan& v);
void to_json(io::Json& j, const SongGroup& v);
void from_json(const io::Json& j, SongGroup& v);
void to_json(io::Json& j, const RegistryEntry& v);
void from_json(const io::Json& j, RegistryEntry& v);
}  // namespace cartography::catalog

namespace cartography::pipeline {
void to_json(io::Json& j, const Skip& v);
void from_json(const io::Json& j, Skip& v);

// The metadata of an outcome (arrays stay on the owning rank; shapes are kept).
io::Json outcome_metadata(const GroupOutcome& outcome);
GroupOutcome outcome_from_metadata(const io::Json& j);

std::string pack(const io::Json& value);
io::Json unpack(const std::string& bytes);
}  // namespace cartography::pipeline
