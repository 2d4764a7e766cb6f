"""17(3)(7): synthetic results of real people (face swap, voice cloning, talking heads)."""
from __future__ import annotations

from kzai_lint.model import PYTHON_KINDS, Confidence, Status
from kzai_lint.rule import Invalid, RuleMeta, Valid
from kzai_lint.rules._python_signals import ArtefactLiteralRule, CatalogueCallRule


class SyntheticMediaCall(CatalogueCallRule):
    """Calls that create synthetic images, video or speech imitating a real person.

    ## What it finds
    insightface's `model_zoo.get_model("inswapper_128.onnx")` (face swap), Coqui TTS with a
    reference speaker (`tts(..., speaker_wav=...)`, XTTS), zero-shot voice-cloning TTS that
    speaks in the voice of a reference recording (tortoise `voice_samples=`, F5-TTS `infer`,
    CosyVoice `inference_zero_shot`/`inference_vc`, Chatterbox `audio_prompt_path=`), voice
    conversion, and loaders of lip-sync / talking-head models — resolved through imports and
    aliases.

    ## Why it matters
    Article 17(3)(7) prohibits creating and disseminating results that the law prohibits; Article
    21(2) allows synthetic results only when they are marked in machine-readable form and carry
    a visible notice, so unmarked face swaps or cloned voices are not permitted results.

    ## Mitigation
    Mark every output (invisible watermark, C2PA manifest or provenance metadata) and show a
    visible "AI-generated" notice; declare both in
    `[tool.kzai-lint.system.synthetic-output]` (`machine-readable-marking`, `visible-notice =
    true`). With the declaration and a marking call in the code the finding is `mitigated`.

    ## Suppression
    `# kzai: ignore[KZ307] <reason>`.
    """

    meta = RuleMeta(id="KZ307/library-call", code="KZ307", kinds=frozenset(PYTHON_KINDS), confidence=Confidence.HIGH)
    INVALID = (
        Invalid("""
            import insightface
            swapper = insightface.model_zoo.get_model("inswapper_128.onnx", download=False)
            """, line=2),
        Invalid("""
            from TTS.api import TTS as Coqui
            tts = Coqui("tts_models/multilingual/multi-dataset/xtts_v2")
            tts.tts_to_file(text="Hello", speaker_wav="ceo_voice.wav", language="en", file_path="out.wav")
            """, line=3),
        Invalid("""
            from f5_tts.api import F5TTS
            f5tts = F5TTS()
            wav, sr, _ = f5tts.infer(ref_file="speaker.wav", ref_text="", gen_text="Transfer the funds today.")
            """, line=3, note="zero-shot cloning from a reference recording"),
        Invalid("""
            from chatterbox.tts import ChatterboxTTS
            model = ChatterboxTTS.from_pretrained(device="cuda")
            wav = model.generate("Hi, it's me.", audio_prompt_path="dad_sample.wav")
            """, line=3, note="an object from a from_pretrained class method"),
        Invalid("""
            from inference.infer_tool import Svc
            svc_model = Svc("logs/44k/G_30400.pth", "configs/config.json")
            audio = svc_model.slice_inference("raw/in.wav", "alice", 0, -40, 0, False, 0.4)
            """, line=3, note="so-vits-svc voice conversion into a trained speaker's voice"),
        Invalid("""
            from rvc_python.infer import RVCInference
            rvc = RVCInference(device="cuda:0")
            rvc.load_model("models/narrator.pth")
            rvc.infer_file("input.wav", "output.wav")
            """, line=4, note="RVC voice conversion"),
        Invalid("""
            from TTS.tts.configs.xtts_config import XttsConfig
            from TTS.tts.models.xtts import Xtts
            model = Xtts.init_from_config(XttsConfig())
            latents = model.get_conditioning_latents(audio_path=["reference.wav"])
            """, line=4, note="XTTS speaker latents from a reference recording, without TTS.api"),
        Invalid("""
            from TTS.tts.models.xtts import Xtts

            class SpeakerBank:
                def __init__(self, model: Xtts):
                    self.model = model

                def embed(self, wav):
                    return self.model.get_conditioning_latents(audio_path=wav)
            """, line=8, note="the model's type from a parameter annotation; built in another module"),
        Invalid("""
            import roop.core
            from roop.processors.frame import face_swapper
            swapper = face_swapper.get_face_swapper()
            """, line=3, note="roop's face-swapper frame processor, driven by a front-end"),
        Invalid("""
            from modules.processors.frame import face_swapper as frame_face_swapper
            result = frame_face_swapper.swap_face(source_face, target_face, temp_frame)
            """, line=2, note="Deep-Live-Cam (roop's layout)"),
        Invalid("""
            from util.videoswap import video_swap
            video_swap(opt.video_path, latend_id, model, app, opt.output_path, temp_results_dir=opt.temp_path)
            """, line=2, note="SimSwap: a source identity swapped into every frame of a video"),
        Invalid("""
            from network.AEI_Net import AEI_Net
            G = AEI_Net(args.backbone, num_blocks=args.num_blocks, c_id=512)
            """, line=2, note="GHOST / FaceShifter face-swap generator"),
        Invalid("""
            from models import Wav2Lip
            def load_model(path):
                model = Wav2Lip()
                model.load_state_dict(torch.load(path)["state_dict"])
                return model.eval()
            """, line=3, note="the Wav2Lip lip-sync generator"),
        Invalid("""
            from musetalk.utils.utils import load_all_model
            audio_processor, vae, unet, pe = load_all_model()
            """, line=2, note="MuseTalk lip-sync"),
        Invalid("""
            from encoder import inference as encoder
            from synthesizer.inference import Synthesizer
            synthesizer = Synthesizer(syn_model_fpath)
            embed = encoder.embed_utterance(encoder.preprocess_wav(reference_path))
            specs = synthesizer.synthesize_spectrograms([text], [embed])
            """, line=5, note="Real-Time-Voice-Cloning: speech conditioned on a reference speaker's embedding"),
        Invalid("""
            from demo import load_checkpoints, make_animation
            generator, kp_detector = load_checkpoints(config_path="config/vox-256.yaml", checkpoint_path=ckpt)
            frames = make_animation(source_image, driving_video, generator, kp_detector, relative=True)
            """, line=3, note="First Order Motion Model: a photo of a person animated by a driving video"),
        Invalid("""
            import cv2, dlib
            predictor = dlib.shape_predictor("shape_predictor_68_face_landmarks.dat")
            output = cv2.seamlessClone(warped_face, target, mask, center, cv2.NORMAL_CLONE)
            """, line=3, note="the classic face swap: landmarks, warped triangles, Poisson blending"),
        Invalid(
            files={
                "avatar/swap.py": """
                    from insightface.model_zoo import get_model
                    from imwatermark import WatermarkEncoder
                    swapper = get_model("models/inswapper_128.onnx")
                    enc = WatermarkEncoder()
                    """,
            },
            config="""
            [tool.kzai-lint.system.synthetic-output]
            machine-readable-marking = "watermark"
            visible-notice = true
            """,
            finding_path="avatar/swap.py",
            line=3,
            status=Status.MITIGATED,
            note="declared labelling plus a watermark call",
        ),
    )
    VALID = (
        Valid("""
            from chatterbox.tts import ChatterboxTTS
            model = ChatterboxTTS.from_pretrained(device="cpu")
            wav = model.generate("Your order has shipped.")
            """, note="the model's own voice, no reference recording"),
        Valid("""
            from synthesizer.inference import Synthesizer
            synthesizer = Synthesizer(model_path)
            specs = synthesizer.synthesize_spectrograms([text], [STOCK_SPEAKER])
            """, note="a stored stock speaker, no embedding of a recording in this file"),
        Valid("""
            from TTS.api import TTS
            tts = TTS("tts_models/en/ljspeech/tacotron2-DDC")
            tts.tts_to_file(text="Station closed", file_path="announce.wav")
            """, note="a stock voice, no reference speaker"),
        Valid("""
            import insightface
            app = insightface.app.FaceAnalysis(name="buffalo_l")
            """, note="face analysis alone is not a face swap"),
        Valid("""
            from TTS.tts.models.xtts import Xtts

            def speak(model: Xtts, text: str, speakers: list[Xtts]):
                return model.inference(text, "en", gpt_cond_latent=None, speaker_embedding=None)
            """, note="an annotated model used with stored latents: only reference recordings clone"),
        Valid("""
            from roop.processors.frame import face_enhancer
            frame = face_enhancer.process_frame(None, None, frame)
            """, note="roop's face enhancer alone restores faces; it swaps none"),
        Valid("""
            import cv2
            poster = cv2.seamlessClone(logo, photo, mask, center, cv2.MIXED_CLONE)
            """, note="Poisson blending without face landmarks is image editing"),
    )


class SyntheticModelArtefact(ArtefactLiteralRule):
    """Face-swap, lip-sync and voice-cloning model files or ids named in code.

    ## What it finds
    Strings naming `inswapper_128.onnx`, SimSwap, Wav2Lip, SadTalker, XTTS or OpenVoice weights
    and ids, e.g. a default `model_path` argument.

    ## Why it matters
    Shipping a face-swap or voice-cloning model gives the system the capability to create
    synthetic results of real people, which Article 21(2) allows only when marked and noticed
    (Article 17(3)(7)).

    ## Mitigation
    Mark outputs (watermark/C2PA/metadata) and show a visible notice; declare
    `[tool.kzai-lint.system.synthetic-output]`.

    ## Suppression
    `# kzai: ignore[KZ307] <reason>`.
    """

    meta = RuleMeta(id="KZ307/model-file", code="KZ307", kinds=frozenset(PYTHON_KINDS), confidence=Confidence.MEDIUM)
    INVALID = (
        Invalid("""
            class Swapper:
                def __init__(self, model_path: str = "models/inswapper_128.onnx"):
                    self.model_path = model_path
            """, line=2),
        Invalid("""
            CHECKPOINT = "checkpoints/wav2lip_gan.pth"
            """, line=1),
        Invalid("""
            import subprocess
            cmd = ["f5-tts_infer-cli", "--model", "F5TTS_Base", "--ref_audio", ref_wav, "--ref_text", ref_text]
            subprocess.run(cmd, check=True)
            """, line=2, note="F5-TTS speaks in the voice of the reference recording"),
        Invalid("""
            generator, kp_detector = load_checkpoints(config_path="config/vox-256.yaml", checkpoint_path="vox-cpk.pth.tar")
            """, line=1, note="the First Order Motion Model's face-reenactment checkpoint"),
        Invalid("""
            import os
            os.system("python inference.py --checkpoint_path checkpoints/wav2lip_gan.pth --face in.mp4 --audio in.wav")
            """, line=2, note="a weight file named in a shell command"),
        Invalid("""
            WEIGHTS = {
                "appearance": "weights/appearance_feature_extractor.onnx",
                "warping": "weights/warping_spade.onnx",
            }
            """, line=2, note="LivePortrait's networks: a portrait driven by another face's motion"),
        Invalid("""
            model, config = load_custom_model_from_hf("Plachta/Seed-VC", "DiT_seed_v2_uvit_whisper_small_wavenet_bigvgan_pruned.pth", "config_dit_mel_seed_uvit_whisper_small_wavenet.yml")
            """, line=1, note="Seed-VC voice conversion, through a project's own download helper"),
    )
    VALID = (
        Valid("""
            DETECTOR = "weights/deepfake_detector_efficientnet.pth"
            """, note="deepfake detection is the opposite of generation"),
        Valid("""
            MODEL = "models/swap_rows.onnx"
            """),
        Valid("""
            def compare():
                '''Benchmarks our detector against clips made with wav2lip_gan.pth and inswapper_128.onnx.'''
            """, note="a docstring is prose: it names files without using them"),
    )
