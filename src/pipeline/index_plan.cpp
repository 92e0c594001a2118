#include "pipeline/index_plan.hpp"

#include <map>
#include <set>

#include "pipeline/plan.hpp"

namespace cartography::pipeline {

catalog::ArchiveScan scan_file(const ArchiveFile& file, catalog::GroupBy group_by) {
  if (!file.refused.empty()) return catalog::ArchiveScan{file.name, std::nullopt, file.refused};
  return catalog::scan_archive(file.path, file.name, group_by);
}

IndexPlan plan_index(const std::vector<catalog::ArchiveScan>& scans, const std::vector<ArchiveFile>& files, int ranks,
                     catalog::GroupBy group_by, std::vector<Skip>& skips, RunCounts& counts) {
  std::vector<catalog::ArchiveMeta> metas;
  std::set<int64_t> ids;
  for (const auto& s : scans) {
    if (!s.meta) {
      skips.push_back({"index", s.filename, s.error});
      continue;
    }
    if (!ids.insert(s.meta->beatmapset_id).second) {
      skips.push_back({"index", s.filename, "beatmapset_id " + std::to_string(s.meta->beatmapset_id) +
                                                " already taken by another archive"});
      continue;
    }
    metas.push_back(*s.meta);
  }
  counts.archives_indexed = metas.size();
  IndexPlan plan;
  plan.groups = catalog::build_index(metas, group_by);
  std::map<std::string, uint64_t> size_of;
  for (const auto& f : files) size_of[f.name] = f.bytes;
  std::vector<uint64_t> cost;
  for (const auto& g : plan.groups) {
    uint64_t c = 0;
    for (const auto& s : g.beatmapsets) c += size_of[s.filename];
    cost.push_back(c);
    counts.archives_in_groups += g.beatmapsets.size();
  }
  plan.owner = assign_groups(cost, ranks);
  plan.order = dispatch_order(cost);
  return plan;
}

}  // namespace cartography::pipeline
