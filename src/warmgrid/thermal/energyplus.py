"""A warmgrid building file as an EnergyPlus model (epJSON), so that EnergyPlus can check it.

Both sides model the same thing by these conventions:

* Geometry: a building file gives areas and orientations, not positions. Each surface is a
  rectangle of its area with its azimuth and tilt, laid on the tangent plane of a large
  sphere at the point of its outward normal, so that no surface shades another (surfaces
  of one orientation lie side by side in one plane). Windows are sub-surfaces of the first
  wall of the same orientation, whose gross area is its net area plus theirs. Walls are a
  storey high (volume / floor area); roofs, floors and ceilings square. The outdoor air
  temperature does not fall with the height of a surface (``Site:HeightVariation``).
* Layers inside → outside become ``Material`` (or ``Material:NoMass`` for a layer without
  heat capacity) listed outside → inside; windows ``WindowMaterial:SimpleGlazingSystem``
  with U = ``u_w_per_m2k`` and SHGC = ``g_value · (1 − frame_fraction)``.
* Boundaries: ``outdoor`` → ``Outdoors`` (floors without sun and wind, as ASHRAE 140's
  floor), ``ground`` → ``Ground`` at ``ground_temp_c``, ``adiabatic`` → ``Adiabatic`` with
  the mirrored construction (layers A, B → A, B, B, A): EnergyPlus' adiabatic boundary
  mirrors the inside face, so the mirrored element has zero flux at its middle plane, as
  warmgrid's share of an element up to its plane of symmetry.
* Surface coefficients constant as EN ISO 6946: inside convection ``Simple`` (or ``TARP``,
  EnergyPlus' default, for comparison), outside convection fixed at 20 W/(m²K).
* Infiltration by stack and wind as ``ZoneInfiltration:EffectiveLeakageArea`` (the same
  basic model; EnergyPlus takes the outdoor air density). Constant infiltration and
  scheduled ventilation by ``ZoneInfiltration`` / ``ZoneVentilation`` with standard air
  density (ρc ≈ 1,200 J/(m³K)); the air-change rate scaled by the
  standard-atmosphere pressure at the site altitude, so the mass flow equals warmgrid's.
* Internal gains: ``OtherEquipment`` with the file's radiative fraction.
* The air node's heat capacity: EnergyPlus' zone air times a capacitance multiplier that
  adds the furniture of the building file.
* Cool-down runs: ideal loads heat the air node only at the set-point through the warm-up
  and the heated days, then the set-point drops to −100 °C at midnight (t = 0); the zone
  air is stepped exactly (:data:`COOLDOWN_AIR_ALGORITHM`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from warmgrid.errors import InputError
from warmgrid.thermal.building_file import BuildingDescription
from warmgrid.thermal.layers import Layer
from warmgrid.thermal.rc import AIR_HEAT_CAPACITY_J_PER_M3K

ENERGYPLUS_VERSION = "25.2"
OUTSIDE_CONVECTION_W_PER_M2K = 20.0
"""Outside convection: with h_r ≈ 4.6 W/(m²K) of long-wave radiation, R_se ≈ 0.04 m²K/W
(EN ISO 6946:2017 Table 7 and Annex C)."""

COOLDOWN_AIR_ALGORITHM = "AnalyticalSolution"
"""EnergyPlus' integration of the zone air heat balance in a cool-down run: the exact
exponential over each time step (EnergyPlus Engineering Reference, "Zone Air Heat Balance
Algorithms"). Its default, the third-order backward difference, carries the air's values
from before the heating stopped into the steps after it and so delays the first hours'
fall at six steps an hour: the `panel_5` middle-floor corner flat at −20 °C is at 14.60 °C
after 1 h with it, 13.68 °C with the exact step and 13.60 °C with either at 60 steps an
hour, and crosses 12 °C after 4.25, 3.96 and 3.81–3.83 h. Annual free-floating runs (no
heating switched off) keep the default."""

InsideConvection = Literal["Simple", "TARP"]
OutsideConvection = Literal["fixed", "DOE-2"]
AirDensity = Literal["Standard", "Outdoor"]

SURFACE_TYPES = {"wall": "Wall", "roof": "Roof", "floor": "Floor"}
ADIABATIC_TYPES = {"wall": "Wall", "roof": "Ceiling", "floor": "Floor"}
ZONE = "Zone"
MONTHS = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
]


def _normal(azimuth_deg: float, tilt_deg: float) -> np.ndarray:
    """Outward unit normal (x east, y north, z up)."""
    az, tilt = math.radians(azimuth_deg), math.radians(tilt_deg)
    return np.array([math.sin(tilt) * math.sin(az), math.sin(tilt) * math.cos(az), math.cos(tilt)])


def _frame(normal: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(right, up)`` unit vectors in the plane, counter-clockwise seen from outside."""
    vertical = np.array([0.0, 0.0, 1.0])
    up = vertical - normal * float(normal @ vertical)
    if np.linalg.norm(up) < 1e-9:
        up = np.array([0.0, 1.0, 0.0])
    up /= np.linalg.norm(up)
    return np.cross(up, normal), up


def _rectangle(
    centre: np.ndarray, right: np.ndarray, up: np.ndarray, width: float, height: float
) -> list[np.ndarray]:
    """Upper-left, lower-left, lower-right, upper-right corners."""
    w, h = 0.5 * width * right, 0.5 * height * up
    return [centre - w + h, centre - w - h, centre + w - h, centre + w + h]


def _vertices(points: list[np.ndarray]) -> list[dict[str, float]]:
    return [
        {
            "vertex_x_coordinate": round(float(p[0]), 6),
            "vertex_y_coordinate": round(float(p[1]), 6),
            "vertex_z_coordinate": round(float(p[2]), 6),
        }
        for p in points
    ]


def _materials(
    model: dict[str, Any], name: str, layers: tuple[Layer, ...], surface: dict[str, Any]
) -> list[str]:
    """Add the layers as materials; return their names outside → inside."""
    names = []
    last = len(layers) - 1
    for j, layer in enumerate(layers):
        key = f"{name} L{j}"
        outer = j == last
        optical = {
            "thermal_absorptance": surface.get("emissivity", 0.9) if outer else 0.9,
            "solar_absorptance": surface.get("solar_absorptance", 0.6) if outer else 0.6,
            "visible_absorptance": 0.6,
        }
        capacity = layer.density_kg_per_m3 * layer.specific_heat_j_per_kgk
        if capacity <= 0:
            model.setdefault("Material:NoMass", {})[key] = {
                "roughness": "MediumRough",
                "thermal_resistance": layer.resistance_m2k_per_w,
                **optical,
            }
        else:
            model.setdefault("Material", {})[key] = {
                "roughness": "MediumRough",
                "thickness": layer.thickness_m,
                "conductivity": layer.conductivity_w_per_mk,
                "density": layer.density_kg_per_m3,
                "specific_heat": layer.specific_heat_j_per_kgk,
                **optical,
            }
        names.append(key)
    return names[::-1]


def _construction(model: dict[str, Any], name: str, surface: dict[str, Any]) -> None:
    layers: tuple[Layer, ...] = surface["layers"]
    if not layers:
        raise InputError(
            f"{surface['name']}.layers",
            "EnergyPlus needs the layers of every opaque surface (not only u_w_per_m2k)",
        )
    outside_to_inside = _materials(model, name, layers, surface)
    if surface["boundary"] == "adiabatic":
        outside_to_inside = outside_to_inside[::-1] + outside_to_inside
    if len(outside_to_inside) > 10:
        raise InputError(f"{surface['name']}.layers", "EnergyPlus takes at most 10 layers")
    fields = {"outside_layer": outside_to_inside[0]}
    for j, layer_name in enumerate(outside_to_inside[1:], start=2):
        fields[f"layer_{j}"] = layer_name
    model.setdefault("Construction", {})[name] = fields


def _schedules(model: dict[str, Any]) -> None:
    model["ScheduleTypeLimits"] = {"Any Number": {}}
    model["Schedule:Constant"] = {
        "Always On": {"schedule_type_limits_name": "Any Number", "hourly_value": 1.0},
        "Zero": {"schedule_type_limits_name": "Any Number", "hourly_value": 0.0},
    }


def _compact(model: dict[str, Any], name: str, data: list[str | float]) -> None:
    model.setdefault("Schedule:Compact", {})[name] = {
        "schedule_type_limits_name": "Any Number",
        "data": [{"field": value} for value in data],
    }


def _geometry(
    model: dict[str, Any],
    description: BuildingDescription,
    zone: str = ZONE,
    prefix: str = "",
    origin_m: float = 0.0,
    interzone: tuple[dict[str, Any], ...] = (),
) -> None:
    """The zone's surfaces on a sphere around ``(origin_m, 0, 0)``; ``interzone``: surfaces
    shared with another zone (``name``, ``kind``, ``area_m2``, ``construction``, ``partner``:
    the other zone's surface), after the file's own."""
    surfaces = [*description.surfaces, *interzone]
    storey_m = description.fields["volume_m3"] / description.fields["floor_area_m2"]
    hosts: dict[tuple[float, float], int] = {}
    windows: dict[int, list[dict[str, Any]]] = {}
    for i, surface in enumerate(surfaces):
        key = (surface["azimuth_deg"], surface["tilt_deg"])
        if surface["kind"] == "wall" and surface["boundary"] == "outdoor":
            hosts.setdefault(key, i)
    for surface in surfaces:
        if surface["kind"] != "window":
            continue
        key = (surface["azimuth_deg"], surface["tilt_deg"])
        if key not in hosts:
            raise InputError(
                f"{surface['name']}",
                "EnergyPlus needs an outdoor wall of the same azimuth and tilt to hold the window",
            )
        windows.setdefault(hosts[key], []).append(surface)
    sizes = []
    for i, surface in enumerate(surfaces):
        gross = surface["area_m2"] + sum(w["area_m2"] for w in windows.get(i, []))
        if surface["kind"] == "wall" and gross >= storey_m**2:
            sizes.append((gross / storey_m, storey_m))
        else:
            sizes.append((math.sqrt(gross), math.sqrt(gross)))
    radius = 2.0 * sum(w + h for w, h in sizes) + 10.0
    offsets: dict[tuple[float, float, float], float] = {}
    detailed = model.setdefault("BuildingSurface:Detailed", {})
    for i, surface in enumerate(surfaces):
        if surface["kind"] == "window":
            continue
        boundary = surface.get("boundary", "interzone")
        azimuth, tilt = surface.get("azimuth_deg", 180.0), surface.get("tilt_deg", 90.0)
        if boundary != "outdoor" and surface["kind"] != "wall":
            tilt = {"roof": 0.0, "floor": 180.0}[surface["kind"]]
        normal = _normal(azimuth, tilt)
        right, up = _frame(normal)
        width, height = sizes[i]
        plane = tuple(np.round(normal, 6))
        start = offsets.get(plane, 0.0)
        offsets[plane] = start + width + 1.0
        centre = radius * normal + (start + 0.5 * width) * right
        centre[0] += origin_m
        name = f"{prefix}S{i} {surface['name']}"
        construction = name
        if boundary == "interzone":
            name, construction = surface["name"], surface["construction"]
        else:
            _construction(model, name, surface)
        exposed = boundary == "outdoor" and surface["kind"] != "floor"
        types = ADIABATIC_TYPES if boundary in ("adiabatic", "interzone") else SURFACE_TYPES
        detailed[name] = {
            "surface_type": types[surface["kind"]],
            "construction_name": construction,
            "zone_name": zone,
            "outside_boundary_condition": {
                "outdoor": "Outdoors",
                "ground": "Ground",
                "adiabatic": "Adiabatic",
                "interzone": "Surface",
            }[boundary],
            "sun_exposure": "SunExposed" if exposed else "NoSun",
            "wind_exposure": "WindExposed" if exposed else "NoWind",
            "number_of_vertices": 4,
            "vertices": _vertices(_rectangle(centre, right, up, width, height)),
        }
        if boundary == "interzone":
            detailed[name]["outside_boundary_condition_object"] = surface["partner"]
        hosted = windows.get(i, [])
        if hosted:
            _windows(model, name, hosted, centre, right, up, width, height)


def _windows(
    model: dict[str, Any],
    host: str,
    hosted: list[dict[str, Any]],
    centre: np.ndarray,
    right: np.ndarray,
    up: np.ndarray,
    width: float,
    height: float,
) -> None:
    glass = sum(w["area_m2"] for w in hosted)
    scale = math.sqrt(glass / (width * height))
    window_height = height * scale
    left = -0.5 * width * scale
    for j, window in enumerate(hosted):
        window_width = window["area_m2"] / window_height
        name = f"{host} W{j} {window['name']}"
        model.setdefault("WindowMaterial:SimpleGlazingSystem", {})[name] = {
            "u_factor": window["u_w_per_m2k"],
            "solar_heat_gain_coefficient": window["g_value"] * (1.0 - window["frame_fraction"]),
            "visible_transmittance": 0.8,
        }
        model.setdefault("Construction", {})[name] = {"outside_layer": name}
        middle = centre + (left + 0.5 * window_width) * right
        left += window_width
        corners = _rectangle(middle, right, up, window_width, window_height)
        fields: dict[str, Any] = {
            "surface_type": "Window",
            "construction_name": name,
            "building_surface_name": host,
            "number_of_vertices": 4,
        }
        for k, point in enumerate(corners, start=1):
            for axis, value in zip("xyz", point, strict=True):
                fields[f"vertex_{k}_{axis}_coordinate"] = round(float(value), 6)
        model.setdefault("FenestrationSurface:Detailed", {})[name] = fields


def _air(
    model: dict[str, Any],
    description: BuildingDescription,
    air_density: AirDensity,
    zone: str = ZONE,
    prefix: str = "",
) -> None:
    fields = description.fields
    pressure_ratio = (
        (1.0 - 2.25577e-5 * fields["altitude_m"]) ** 5.2559 if air_density == "Standard" else 1.0
    )
    model.setdefault("ZoneInfiltration:DesignFlowRate", {})[f"{prefix}Infiltration"] = {
        "zone_or_zonelist_or_space_or_spacelist_name": zone,
        "schedule_name": "Always On",
        "design_flow_rate_calculation_method": "AirChanges/Hour",
        "air_changes_per_hour": fields["air_changes_per_h"] * pressure_ratio,
        "constant_term_coefficient": 1.0,
        "temperature_term_coefficient": 0.0,
        "velocity_term_coefficient": 0.0,
        "velocity_squared_term_coefficient": 0.0,
        "density_basis": air_density,
    }
    leak = description.infiltration
    if leak is not None:
        model["ZoneInfiltration:EffectiveLeakageArea"] = {
            "Stack and wind": {
                "zone_or_space_name": ZONE,
                "schedule_name": "Always On",
                "effective_air_leakage_area": leak.leakage_area_cm2,
                "stack_coefficient": leak.stack_coefficient,
                "wind_coefficient": leak.wind_coefficient,
            }
        }
    vent = description.ventilation
    if vent is not None:
        data: list[str | float] = ["Through: 12/31", "For: AllDays"]
        for hour in range(24):
            data += [f"Until: {hour + 1:02d}:00", 1.0 if hour in vent.hours_of_day else 0.0]
        _compact(model, "Vent Schedule", data)
        model["ZoneVentilation:DesignFlowRate"] = {
            "Vent Fan": {
                "zone_or_zonelist_or_space_or_spacelist_name": ZONE,
                "schedule_name": "Vent Schedule",
                "design_flow_rate_calculation_method": "Flow/Zone",
                "design_flow_rate": vent.flow_m3_per_h / 3600.0,
                "ventilation_type": "Natural",
                "constant_term_coefficient": 1.0,
                "temperature_term_coefficient": 0.0,
                "velocity_term_coefficient": 0.0,
                "velocity_squared_term_coefficient": 0.0,
                "minimum_indoor_temperature": -100.0,
                "maximum_outdoor_temperature": 100.0,
                "delta_temperature": -100.0,
                "density_basis": "Standard",
            }
        }
    if fields["internal_gains_w"] > 0:
        model.setdefault("OtherEquipment", {})[f"{prefix}Gains"] = {
            "fuel_type": "None",
            "zone_or_zonelist_or_space_or_spacelist_name": zone,
            "schedule_name": "Always On",
            "design_level_calculation_method": "EquipmentLevel",
            "design_level": fields["internal_gains_w"],
            "fraction_latent": 0.0,
            "fraction_radiant": fields["radiative_fraction"],
            "fraction_lost": 0.0,
        }


def _date(day_of_year: int) -> tuple[int, int]:
    """``(month, day)`` of a 0-based day of a non-leap year."""
    text = str(np.datetime64("2001-01-01") + np.timedelta64(day_of_year, "D"))
    return int(text[5:7]), int(text[8:10])


def _heating(
    model: dict[str, Any],
    set_point_c: float,
    heated_days: int,
    first_day: int = 0,
    zones: tuple[str, ...] = (ZONE,),
) -> None:
    """Ideal loads at the air node of ``zones`` until midnight after ``heated_days`` days,
    then off."""
    month, day = _date(first_day + heated_days - 1)
    stop = f"{month}/{day}"
    _compact(
        model,
        "Heating Set-point",
        [
            f"Through: {stop}",
            "For: AllDays",
            "Until: 24:00",
            set_point_c,
            "Through: 12/31",
            "For: AllDays",
            "Until: 24:00",
            -100.0,
        ],
    )
    model["Schedule:Constant"]["Single Heating"] = {
        "schedule_type_limits_name": "Any Number",
        "hourly_value": 1.0,
    }
    model["ThermostatSetpoint:SingleHeating"] = {
        "Heating": {"setpoint_temperature_schedule_name": "Heating Set-point"}
    }
    for zone in zones:
        prefix = "" if zones == (ZONE,) else f"{zone} "
        model.setdefault("ZoneControl:Thermostat", {})[f"{prefix}Thermostat"] = {
            "zone_or_zonelist_name": zone,
            "control_type_schedule_name": "Single Heating",
            "control_1_object_type": "ThermostatSetpoint:SingleHeating",
            "control_1_name": "Heating",
        }
        model.setdefault("ZoneHVAC:IdealLoadsAirSystem", {})[f"{prefix}Ideal Loads"] = {
            "zone_supply_air_node_name": f"{prefix}Zone Inlet",
            "maximum_heating_supply_air_temperature": 60.0,
            "heating_limit": "NoLimit",
            "cooling_limit": "NoLimit",
            "cooling_availability_schedule_name": "Zero",
        }
        model.setdefault("ZoneHVAC:EquipmentList", {})[f"{prefix}Equipment"] = {
            "load_distribution_scheme": "SequentialLoad",
            "equipment": [
                {
                    "zone_equipment_object_type": "ZoneHVAC:IdealLoadsAirSystem",
                    "zone_equipment_name": f"{prefix}Ideal Loads",
                    "zone_equipment_cooling_sequence": 1,
                    "zone_equipment_heating_or_no_load_sequence": 1,
                }
            ],
        }
        model.setdefault("ZoneHVAC:EquipmentConnections", {})[f"{prefix}Connections"] = {
            "zone_name": zone,
            "zone_conditioning_equipment_list_name": f"{prefix}Equipment",
            "zone_air_inlet_node_or_nodelist_name": f"{prefix}Zone Inlet",
            "zone_air_node_name": f"{prefix}Zone Air Node",
            "zone_return_air_node_or_nodelist_name": f"{prefix}Zone Return",
        }


def to_epjson(
    description: BuildingDescription,
    *,
    location: tuple[float, float, float, float],
    days: int = 365,
    first_day: int = 0,
    timesteps_per_hour: int = 6,
    inside_convection: InsideConvection = "Simple",
    outside_convection: OutsideConvection = "fixed",
    air_density: AirDensity = "Standard",
    sky_at_air_temp: bool = False,
    heating: tuple[float, int] | None = None,
    ground_temp_c: float = 10.0,
    zones: tuple[Zone, ...] = (),
) -> dict[str, Any]:
    """The epJSON model of ``description`` or, with ``zones``, of several zones (the
    building's name from ``description``; each zone on a sphere of its own, heated where
    :attr:`Zone.heated`).

    ``location``: latitude, longitude (degrees), time zone (hours), elevation (m) of the
    weather. ``days``: run period from day ``first_day`` of the year (0: 1 January).
    ``sky_at_air_temp``: no long-wave loss to a colder sky (cool-down at a constant outdoor
    temperature). ``heating``: ``(set-point °C, heated days)`` for a cool-down run; ``None``
    for a free-floating run. Reports the zone mean air temperature at each time step.
    """
    latitude, longitude, time_zone, elevation = location
    every = zones or (Zone(ZONE, description),)
    month, day = _date(first_day + days - 1)
    begin_month, begin_day = _date(first_day)
    model: dict[str, Any] = {
        "Version": {"Version 1": {"version_identifier": ENERGYPLUS_VERSION}},
        "SimulationControl": {
            "SimulationControl 1": {
                "do_zone_sizing_calculation": "No",
                "do_system_sizing_calculation": "No",
                "do_plant_sizing_calculation": "No",
                "run_simulation_for_sizing_periods": "No",
                "run_simulation_for_weather_file_run_periods": "Yes",
            }
        },
        "Building": {
            description.name: {
                "north_axis": 0.0,
                "terrain": "Country",
                "loads_convergence_tolerance_value": 0.001,
                "temperature_convergence_tolerance_value": 0.001,
                "solar_distribution": "FullExterior",
                "maximum_number_of_warmup_days": 200,
                "minimum_number_of_warmup_days": 6,
            }
        },
        "Timestep": {"Timestep 1": {"number_of_timesteps_per_hour": timesteps_per_hour}},
        "RunPeriod": {
            "Run": {
                "begin_month": begin_month,
                "begin_day_of_month": begin_day,
                "end_month": month,
                "end_day_of_month": day,
                "use_weather_file_holidays_and_special_days": "No",
                "use_weather_file_daylight_saving_period": "No",
            }
        },
        "Site:Location": {
            "Site": {
                "latitude": latitude,
                "longitude": longitude,
                "time_zone": time_zone,
                "elevation": elevation,
            }
        },
        "Site:GroundTemperature:BuildingSurface": {
            "Ground": {f"{m}_ground_temperature": ground_temp_c for m in MONTHS}
        },
        "Site:HeightVariation": {
            "Height": {
                "wind_speed_profile_exponent": 0.22,
                "wind_speed_profile_boundary_layer_thickness": 370.0,
                "air_temperature_gradient_coefficient": 0.0,
            }
        },
        "GlobalGeometryRules": {
            "GlobalGeometryRules 1": {
                "starting_vertex_position": "UpperLeftCorner",
                "vertex_entry_direction": "Counterclockwise",
                "coordinate_system": "World",
            }
        },
        "Zone": {
            zone.name: {
                "volume": zone.description.fields["volume_m3"],
                "floor_area": zone.description.fields["floor_area_m2"],
                "ceiling_height": zone.description.fields["volume_m3"]
                / zone.description.fields["floor_area_m2"],
            }
            for zone in every
        },
        "SurfaceConvectionAlgorithm:Inside": {"Inside": {"algorithm": inside_convection}},
        "Output:Variable": {
            "Air": {
                "key_value": ZONE if not zones else "*",
                "variable_name": "Zone Mean Air Temperature",
                "reporting_frequency": "Timestep",
            }
        },
        "Output:SQLite": {"Output:SQLite 1": {"option_type": "Simple"}},
    }
    if outside_convection == "fixed":
        model["SurfaceProperty:ConvectionCoefficients:MultipleSurface"] = {
            "Outside": {
                "surface_type": "AllExteriorSurfaces",
                "convection_coefficient_1_location": "Outside",
                "convection_coefficient_1_type": "Value",
                "convection_coefficient_1": OUTSIDE_CONVECTION_W_PER_M2K,
            }
        }
    else:
        model["SurfaceConvectionAlgorithm:Outside"] = {"Outside": {"algorithm": "DOE-2"}}
    _schedules(model)
    for k, zone in enumerate(every):
        prefix = "" if not zones else f"{zone.name} "
        _geometry(model, zone.description, zone.name, prefix, 1000.0 * k, zone.interzone)
        _air(model, zone.description, air_density, zone.name, prefix)
        fields = zone.description.fields
        model.setdefault("ZoneCapacitanceMultiplier:ResearchSpecial", {})[
            f"{prefix}Air and furniture"
        ] = {
            "zone_or_zonelist_name": zone.name,
            "temperature_capacity_multiplier": 1.0
            + fields["furniture_heat_capacity_j_per_m2k"]
            * fields["floor_area_m2"]
            / (AIR_HEAT_CAPACITY_J_PER_M3K * fields["volume_m3"]),
        }
    if sky_at_air_temp:
        model["WeatherProperty:SkyTemperature"] = {
            "Run": {
                "calculation_type": "DifferenceScheduleDryBulbValue",
                "schedule_name": "Zero",
                "use_weather_file_horizontal_ir": "No",
            }
        }
    if heating is not None:
        model["ZoneAirHeatBalanceAlgorithm"] = {"Cool-down": {"algorithm": COOLDOWN_AIR_ALGORITHM}}
        heated = tuple(zone.name for zone in every if zone.heated)
        _heating(model, *heating, first_day, heated)
    return model


@dataclass(frozen=True)
class Zone:
    """One zone of a model: its name, its building file (surfaces, air, gains),
    ``interzone`` surfaces shared with other zones (see :func:`_geometry`), and whether
    the cool-down's ideal loads heat it."""

    name: str
    description: BuildingDescription
    interzone: tuple[dict[str, Any], ...] = ()
    heated: bool = True
