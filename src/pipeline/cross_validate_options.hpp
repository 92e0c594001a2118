// What `cartography cross-validate` was asked to do (cross_validation.hpp says what it does).
// Plain data: it crosses into the pipeline plugin as PipelineCrossValidateOptions.
#pragma once

#include <cstdint>
#include <string>

#include "pipeline/study_options.hpp"

namespace cartography::pipeline {

struct CrossValidateOptions {
  // The runs' options: dataset_dir and out_dir are the whole job's; checkpoint, resume and report
  // are set per run by the job (no report, no resume).
  StudyOptions run;
  bool seed_given = false;      // --seed given: it seeds the training too (else the config's seed_everything)
  std::string config;           // fit-latent's training YAML
  int64_t max_steps = -1;       // > 0: overrides the config's trainer.max_steps; -1: the config's
  std::string full_checkpoint;  // not empty: the full-data model, reused instead of trained
  std::string cv_checkpoint;    // not empty: the cross-validation model, reused instead of trained
};

}  // namespace cartography::pipeline
