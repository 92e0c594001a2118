#include "audio/packet_model.hpp"

#include "audio/mpeg_audio_header.hpp"

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavcodec/vorbis_parser.h>
}

namespace cartography::audio::detail {
namespace {

bool has_new_extradata(const AVPacket& p) {
  size_t size = 0;
  return av_packet_get_side_data(&p, AV_PKT_DATA_NEW_EXTRADATA, &size) != nullptr ||
         av_packet_get_side_data(&p, AV_PKT_DATA_PARAM_CHANGE, &size) != nullptr;
}

// The mp3/mp2 demuxers hand the decoder exactly one frame per packet; the decoder turns a
// frame with a valid header and (layer III) valid side information into header.samples
// samples whatever the rest of its payload holds (damaged main data decodes to noise, not to
// fewer samples); a frame failing those checks is decoded to nothing, so the model is unsure.
class MpegAudioModel final : public PacketModel {
 public:
  explicit MpegAudioModel(int layer) : layer_(layer) {}

  std::optional<PacketSamples> samples(const AVPacket& p) override {
    if (has_new_extradata(p)) return unsure("parameter change in the stream");
    auto h = parse_mpeg_audio_header(p.data, p.size);
    if (!h) return unsure("packet without a valid MPEG audio header (or free format)");
    if (h->layer != layer_) return unsure("MPEG layer changes inside the stream");
    if (h->frame_bytes != p.size) return unsure("packet is not exactly one frame (truncated?)");
    if (!layer3_side_info_ok(p.data, p.size, *h)) return unsure("layer III side information the decoder rejects");
    return PacketSamples{h->samples, h->sample_rate, h->channels};
  }

 private:
  int layer_;
};

// Vorbis packets decode to (previous block size + current block size) / 4 samples, the first
// one to nothing (it only primes the overlap; the parser, which assumes a short previous
// block, would count it); libavcodec's own Vorbis parser reads the block sizes from the
// packet's mode bits and the setup header, so it agrees with the decoder by construction.
class VorbisModel final : public PacketModel {
 public:
  VorbisModel(const AVCodecParameters& par) : rate_(par.sample_rate), channels_(par.ch_layout.nb_channels) {
    if (par.extradata && par.extradata_size > 0)
      parser_ = av_vorbis_parse_init(par.extradata, par.extradata_size);
  }
  ~VorbisModel() override { av_vorbis_parse_free(&parser_); }
  VorbisModel(const VorbisModel&) = delete;
  VorbisModel& operator=(const VorbisModel&) = delete;

  bool ready() const { return parser_ != nullptr; }

  std::optional<PacketSamples> samples(const AVPacket& p) override {
    if (has_new_extradata(p)) return unsure("new Vorbis headers inside the stream (chained ogg)");
    if (p.size <= 0) return unsure("empty Vorbis packet");
    int flags = 0;
    int n = av_vorbis_parse_frame_flags(parser_, p.data, p.size, &flags);
    if (n < 0) return unsure("Vorbis packet the parser rejects");
    if (flags != 0) return unsure("Vorbis header packet inside the stream");
    if (first_) {
      first_ = false;
      n = 0;
    }
    return PacketSamples{n, rate_, channels_};
  }

 private:
  AVVorbisParseContext* parser_ = nullptr;
  bool first_ = true;
  int rate_;
  int channels_;
};

// Plain PCM: every whole sample frame in the packet is one output sample.
class PcmModel final : public PacketModel {
 public:
  PcmModel(const AVCodecParameters& par, int bytes_per_sample)
      : rate_(par.sample_rate), channels_(par.ch_layout.nb_channels),
        frame_bytes_(bytes_per_sample * par.ch_layout.nb_channels) {}

  std::optional<PacketSamples> samples(const AVPacket& p) override {
    if (has_new_extradata(p)) return unsure("parameter change in the stream");
    if (frame_bytes_ <= 0 || rate_ <= 0) return unsure("PCM without rate or channels");
    if (p.size % frame_bytes_ != 0) return unsure("PCM packet with a partial sample frame");
    return PacketSamples{p.size / frame_bytes_, rate_, channels_};
  }

 private:
  int rate_;
  int channels_;
  int frame_bytes_;
};

int pcm_bytes_per_sample(AVCodecID id) {
  switch (id) {
    case AV_CODEC_ID_PCM_U8:
    case AV_CODEC_ID_PCM_S8: return 1;
    case AV_CODEC_ID_PCM_S16LE:
    case AV_CODEC_ID_PCM_S16BE: return 2;
    case AV_CODEC_ID_PCM_S24LE:
    case AV_CODEC_ID_PCM_S24BE: return 3;
    case AV_CODEC_ID_PCM_S32LE:
    case AV_CODEC_ID_PCM_S32BE:
    case AV_CODEC_ID_PCM_F32LE:
    case AV_CODEC_ID_PCM_F32BE: return 4;
    case AV_CODEC_ID_PCM_F64LE:
    case AV_CODEC_ID_PCM_F64BE: return 8;
    default: return 0;
  }
}

}  // namespace

std::unique_ptr<PacketModel> make_packet_model(const AVStream& stream, std::string& why) {
  const AVCodecParameters& par = *stream.codecpar;
  switch (par.codec_id) {
    case AV_CODEC_ID_MP1: return std::make_unique<MpegAudioModel>(1);
    case AV_CODEC_ID_MP2: return std::make_unique<MpegAudioModel>(2);
    case AV_CODEC_ID_MP3: return std::make_unique<MpegAudioModel>(3);
    case AV_CODEC_ID_VORBIS: {
      auto m = std::make_unique<VorbisModel>(par);
      if (m->ready()) return m;
      why = "Vorbis headers the parser rejects";
      return nullptr;
    }
    default:
      if (int bytes = pcm_bytes_per_sample(par.codec_id); bytes > 0)
        return std::make_unique<PcmModel>(par, bytes);
      why = std::string("no packet model for codec ") + avcodec_get_name(par.codec_id);
      return nullptr;
  }
}

}  // namespace cartography::audio::detail
