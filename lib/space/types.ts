/** A value a hyperparameter can take. */
export type HyperparameterValue = number | string | boolean;

/** A configuration: hyperparameter name -> value. Inactive hyperparameters are absent (ConfigSpace's convention). */
export type Configuration = Record<string, HyperparameterValue>;

/** A uniform random stream in [0, 1); every random choice in frnas draws from one made by `seedrandom`. */
export type Rng = () => number;
